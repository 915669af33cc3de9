/**
 * What this host build implements, which the IDL does not say.
 *
 * A hostcall's `implemented` flag in the IDL is the ABI's intent: `true` means the call is
 * part of what this host is to provide (planned), `false` that it is declared for drop-in
 * compatibility only and answers -ENOSYS on every host. Which planned calls the native core
 * really implements today is a fact about the build, kept here so that the reference says it
 * honestly. Add a hostcall's import name when the native core implements it.
 */

/** Import names of the hostcalls the native core of this build implements. */
export const HOST_IMPLEMENTED: readonly string[] = [];

/** One line on the state of the host build, for the banner of the reference. */
export const HOST_STATUS_NOTE =
  'The native core of this build does not implement any hostcall yet: every hostcall returns -ENOSYS until the next milestone.';
