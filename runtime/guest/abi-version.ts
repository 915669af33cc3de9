/**
 * The ABI version a guest was built against, and whether this host may run it.
 *
 * The generated C header adds to every translation unit a NUL-terminated record
 * `"<abi name>/<major>.<minor>.<patch>"` in the wasm custom section `hostwire.abi`; wasm-ld
 * concatenates the records of all translation units. `checkGuestAbi` reads them before the
 * guest is instantiated and decides:
 *
 * - no section: a guest built against SPEAR's own header, taken as `spear` ABI 1.0.0;
 * - another ABI name: refused;
 * - another major version: refused (a major version is a breaking change, see `hostwire diff`);
 * - the same major, an older or equal minor: accepted (minor versions only add);
 * - the same major, a newer minor: accepted with a warning. Additions do not break what the
 *   guest shares with this host: a hostcall this host lacks fails instantiation with a
 *   LinkError naming the import (loudly, never silently), and an enum value or flag this host
 *   does not know is refused with -EINVAL like any bad argument. A guest that imports only
 *   what this host has runs correctly, so refusing it would only break working guests.
 *
 * Records from several translation units must agree on the name and the major version;
 * translation units built against different minors of one major combine (the guest then
 * needs the newest of them). Anything else is a conflict and refused.
 */

export const ABI_SECTION = 'hostwire.abi';

export interface AbiVersion {
  name: string;
  major: number;
  minor: number;
  patch: number;
}

export interface GuestAbi extends AbiVersion {
  /** `spear/1.2.0` */
  text: string;
  /** `section`: read from the guest; `assumed`: the guest has no `hostwire.abi` section. */
  source: 'section' | 'assumed';
  /** Every record found, in order (one per translation unit that included the header). */
  records: string[];
}

/** What this host implements. `patch` is only shown in messages. */
export interface HostAbi {
  name: string;
  major: number;
  minor: number;
  patch?: number;
}

export interface GuestAbiCheck {
  guest: GuestAbi;
  /** Reasons for caution that do not stop the guest (a newer minor version). */
  warnings: string[];
}

export type GuestAbiErrorCode =
  | 'ERR_GUEST_ABI_MAJOR'
  | 'ERR_GUEST_ABI_NAME'
  | 'ERR_GUEST_ABI_CONFLICT'
  | 'ERR_GUEST_ABI_MALFORMED'
  | 'ERR_GUEST_WASM_MALFORMED';

export class GuestAbiError extends Error {
  readonly code: GuestAbiErrorCode;
  constructor(code: GuestAbiErrorCode, message: string) {
    super(message);
    this.name = 'GuestAbiError';
    this.code = code;
  }
}

/** What a guest without the section is taken to be built against: SPEAR's own header. */
export const ASSUMED_GUEST_ABI: AbiVersion = { name: 'spear', major: 1, minor: 0, patch: 0 };

const RECORD = /^([A-Za-z_][A-Za-z0-9_]*)\/(0|[1-9][0-9]{0,8})\.(0|[1-9][0-9]{0,8})\.(0|[1-9][0-9]{0,8})$/;

function bytesOf(wasm: Uint8Array | ArrayBuffer | ArrayBufferView): Uint8Array {
  if (wasm instanceof Uint8Array) return wasm;
  if (ArrayBuffer.isView(wasm)) return new Uint8Array(wasm.buffer, wasm.byteOffset, wasm.byteLength);
  return new Uint8Array(wasm);
}

/** The payload of every custom section called `name`, in binary order. */
export function customSections(wasm: Uint8Array | ArrayBuffer | ArrayBufferView, name: string): Uint8Array[] {
  const b = bytesOf(wasm);
  const bad = (why: string): never => {
    throw new GuestAbiError('ERR_GUEST_WASM_MALFORMED', `not a valid wasm module: ${why}`);
  };
  if (b.length < 8 || b[0] !== 0x00 || b[1] !== 0x61 || b[2] !== 0x73 || b[3] !== 0x6d) bad('no \\0asm magic');
  if (b[4] !== 1 || b[5] !== 0 || b[6] !== 0 || b[7] !== 0) bad(`unsupported binary version ${b[4] | (b[5] << 8) | (b[6] << 16) | (b[7] << 24)}`);
  let at = 8;
  const u32 = (): number => {
    let result = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      if (at >= b.length) bad(`truncated LEB128 at byte ${at}`);
      const byte = b[at++];
      result += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return result;
    }
    return bad(`LEB128 longer than 5 bytes at byte ${at}`);
  };
  const out: Uint8Array[] = [];
  const decoder = new TextDecoder('utf-8', { fatal: true });
  while (at < b.length) {
    const id = b[at++];
    const size = u32();
    const end = at + size;
    if (end > b.length) bad(`section ${id} at byte ${at} runs past the end (${size} bytes)`);
    if (id === 0) {
      const nameLen = u32();
      if (at + nameLen > end) bad(`custom section name at byte ${at} runs past its section`);
      let sectionName: string;
      try {
        sectionName = decoder.decode(b.subarray(at, at + nameLen));
      } catch {
        return bad(`custom section name at byte ${at} is not UTF-8`);
      }
      if (sectionName === name) out.push(b.subarray(at + nameLen, end));
    }
    at = end;
  }
  return out;
}

/** Parse the records of a `hostwire.abi` payload: each `name/major.minor.patch` and a NUL. */
export function parseAbiRecords(payload: Uint8Array): Array<AbiVersion & { text: string }> {
  const out: Array<AbiVersion & { text: string }> = [];
  let start = 0;
  for (let i = 0; i <= payload.length; i++) {
    if (i === payload.length) {
      if (start < payload.length) {
        throw new GuestAbiError('ERR_GUEST_ABI_MALFORMED', `the ${ABI_SECTION} section ends inside a record (no NUL after '${latin1(payload.subarray(start))}')`);
      }
      break;
    }
    if (payload[i] !== 0) continue;
    if (i > start) {
      const text = latin1(payload.subarray(start, i));
      const m = RECORD.exec(text);
      if (!m) throw new GuestAbiError('ERR_GUEST_ABI_MALFORMED', `malformed ${ABI_SECTION} record '${text}': expected <abi name>/<major>.<minor>.<patch>`);
      out.push({ name: m[1], major: Number(m[2]), minor: Number(m[3]), patch: Number(m[4]), text });
    }
    start = i + 1; // empty records (padding) are skipped
  }
  return out;
}

function latin1(b: Uint8Array): string {
  return Array.from(b, (c) => (c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : `\\x${c.toString(16).padStart(2, '0')}`)).join('');
}

const show = (v: AbiVersion): string => `${v.major}.${v.minor}.${v.patch}`;

/**
 * The ABI a guest was built against, from its `hostwire.abi` records; undefined when it has
 * none. Throws GuestAbiError when the records conflict or are malformed.
 */
export function readGuestAbi(wasm: Uint8Array | ArrayBuffer | ArrayBufferView): GuestAbi | undefined {
  const sections = customSections(wasm, ABI_SECTION);
  if (sections.length === 0) return undefined;
  const records = sections.flatMap(parseAbiRecords);
  if (records.length === 0) throw new GuestAbiError('ERR_GUEST_ABI_MALFORMED', `the ${ABI_SECTION} section holds no record`);
  const first = records[0];
  const other = records.find((r) => r.name !== first.name || r.major !== first.major);
  if (other) {
    throw new GuestAbiError(
      'ERR_GUEST_ABI_CONFLICT',
      `conflicting ${ABI_SECTION} records in the guest: ${first.text} and ${other.text} (its translation units were built against incompatible headers)`,
    );
  }
  const newest = records.reduce((a, r) => (r.minor > a.minor || (r.minor === a.minor && r.patch > a.patch) ? r : a));
  return {
    name: newest.name,
    major: newest.major,
    minor: newest.minor,
    patch: newest.patch,
    text: newest.text,
    source: 'section',
    records: records.map((r) => r.text),
  };
}

/**
 * Decide whether this host may run the guest; call it before instantiating. Returns the
 * guest's ABI and any warnings; throws GuestAbiError (with `code`) when the guest is refused.
 */
export function checkGuestAbi(wasm: Uint8Array | ArrayBuffer | ArrayBufferView, host: HostAbi): GuestAbiCheck {
  const found = readGuestAbi(wasm);
  const guest: GuestAbi = found ?? {
    ...ASSUMED_GUEST_ABI,
    text: `${ASSUMED_GUEST_ABI.name}/${show(ASSUMED_GUEST_ABI)}`,
    source: 'assumed',
    records: [],
  };
  const hostVersion = `${host.major}.${host.minor}${host.patch !== undefined ? `.${host.patch}` : ''}`;
  const speaks = `this host speaks ${host.name === guest.name ? '' : `${host.name} ABI `}${host.major}.x (${hostVersion})`;
  const needs = found
    ? `guest needs ${guest.name} ABI ${show(guest)}`
    : `guest has no ${ABI_SECTION} section, so it was built against SPEAR's own header (${guest.name} ABI ${guest.major}.x)`;
  if (guest.name !== host.name) throw new GuestAbiError('ERR_GUEST_ABI_NAME', `${needs}, ${speaks}`);
  if (guest.major !== host.major) throw new GuestAbiError('ERR_GUEST_ABI_MAJOR', `${needs}, ${speaks}`);
  const warnings: string[] = [];
  if (guest.minor > host.minor) {
    warnings.push(
      `guest was built against ${guest.name} ABI ${show(guest)}, newer than this host's ${hostVersion}: ` +
        `a hostcall added after ${host.major}.${host.minor} fails instantiation with a LinkError, ` +
        `and enum values or flags added since are refused with -EINVAL`,
    );
  }
  return { guest, warnings };
}
