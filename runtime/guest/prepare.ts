/**
 * The checks before a guest runs, made on the main thread by `Guest.load` (to fail early,
 * without a thread) and again by the worker before it instantiates: the ABI version the guest
 * was built against, then its imports.
 */
import { ABI } from '../../generated/ts/constants';
import { checkGuestAbi, type GuestAbiCheck, type HostAbi } from './abi-version';
import { checkGuestImports, type ModuleImport } from './link';

/** The ABI this host implements. */
export const HOST_ABI: HostAbi = { name: ABI.name, major: ABI.major, minor: ABI.minor, patch: ABI.patch };

export interface PreparedGuest extends GuestAbiCheck {
  imports: ModuleImport[];
}

/**
 * Throws `GuestAbiError` for a guest of another ABI (name or major version), `GuestLinkError`
 * for imports this host cannot give. `wasiNames`: the preview1 functions really provided.
 */
export function prepareGuest(wasm: Uint8Array, wasiNames?: ReadonlySet<string>): PreparedGuest {
  const abi = checkGuestAbi(wasm, HOST_ABI);
  return { ...abi, imports: checkGuestImports(wasm, wasiNames) };
}
