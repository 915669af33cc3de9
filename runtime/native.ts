/**
 * The native addon (`hostwire.node`): its loader, typed by the binding the generator declares.
 *
 * Where it comes from, first found wins: `HOSTWIRE_ADDON` (a path); a build compiled here with
 * cmake-js, `build/Release/hostwire.node` at the package root (`npm run build:native`, or the
 * install's fallback when no prebuild loads); the prebuilt addon the package carries,
 * `prebuilds/<platform>-<arch>/hostwire.napi.<libc>.node`, chosen by node-gyp-build.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ABI, PROTOCOLS } from '../generated/ts/constants';
import { HostwireError } from '../generated/ts/errno';
import * as records from '../generated/ts/records';
import type { NativeAbiInfo, NativeBinding } from '../generated/ts/sdk';

/** The package root: this file runs from `dist/runtime/`. */
const ROOT = path.resolve(__dirname, '..', '..');

/** Where cmake-js puts the addon (`cmake-js compile -d native -O build`). */
export const ADDON_PATH = path.join(ROOT, 'build', 'Release', 'hostwire.node');

/** The addon's exports beyond the typed binding. */
interface NativeExtras {
  /** The class the addon makes errno errors with: `new ErrorClass(errno, message)`. */
  setErrorClass?(ctor: (new (errno: number, message: string) => Error) | undefined): void;
  /** The codecs (by IDL record name) the addon encodes records given as decoded values with. */
  setRecordCodecs?(codecs: Record<string, { encode(value: never): Uint8Array }> | undefined): void;
}

/** The addon cannot be loaded (not built, or built for another Node, ABI or protocol version). */
export class NativeLoadError extends Error {
  readonly code = 'HOSTWIRE_NATIVE';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'NativeLoadError';
  }
}

/** A checkout of the repository (with the native tests), rather than the installed package. */
const CHECKOUT = fs.existsSync(path.join(ROOT, 'native', 'test'));

/** What to run to compile the addon, where this package is. */
const REBUILD = CHECKOUT
  ? '`npm run build:native` (cmake-js compile -d native -O build)'
  : '`npm rebuild hostwire --build-from-source` (needs cmake-js and node-addon-api from npm, and cmake, make, g++ and nlohmann-json3-dev)';

/** The prebuilt addon node-gyp-build picks for this platform, arch, libc and runtime, if the package has one. */
export function prebuildPath(root: string = ROOT): string | undefined {
  let file: string;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const gypBuild = require('node-gyp-build') as { path(dir: string): string };
    file = gypBuild.path(root);
  } catch {
    return undefined;
  }
  // node-gyp-build also looks in build/, which holds the glue-test addon beside ours.
  return file.startsWith(path.join(root, 'prebuilds') + path.sep) ? file : undefined;
}

function addonPath(): string {
  if (process.env.HOSTWIRE_ADDON) return path.resolve(process.env.HOSTWIRE_ADDON);
  if (fs.existsSync(ADDON_PATH)) return ADDON_PATH;
  return prebuildPath() ?? ADDON_PATH;
}

/** The version domains an addon is built for, `ABI 1.10.0, transfer 2.1.0`. */
function versions(abi: string, protocols: Record<string, { version: string }>): string {
  return [`ABI ${abi}`, ...Object.keys(protocols).sort().map((name) => `${name} ${protocols[name].version}`)].join(', ');
}

/**
 * Why `built` (the addon's `abi()`) does not match these bindings: the ABI's or a protocol's
 * version differs. Undefined when they match.
 */
export function staleReason(built: Pick<NativeAbiInfo, 'version' | 'protocols'>): string | undefined {
  const ours = versions(ABI.version, PROTOCOLS);
  const theirs = versions(built.version, built.protocols ?? {});
  return ours === theirs ? undefined : `it was built for ${theirs}; these bindings are ${ours}`;
}

function load(file: string): NativeBinding & NativeExtras {
  const shown = path.relative(process.cwd(), file) || file;
  if (!fs.existsSync(file)) {
    throw new NativeLoadError(
      `hostwire: no native addon for ${process.platform}-${process.arch}: ${shown} is missing and the package has no prebuilt addon ` +
        `that loads here; compile it with ${REBUILD}`,
    );
  }
  let binding: NativeBinding & NativeExtras;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    binding = require(file) as NativeBinding & NativeExtras;
  } catch (e) {
    throw new NativeLoadError(`hostwire: cannot load the native addon ${shown}: ${(e as Error).message}; compile it with ${REBUILD}`, {
      cause: e,
    });
  }
  const stale = staleReason(binding.abi());
  if (stale) {
    throw new NativeLoadError(`hostwire: the native addon ${shown} is stale: ${stale}; rebuild it with ${REBUILD}`);
  }
  // Errno errors thrown and rejected by the addon are HostwireError instances from here on.
  binding.setErrorClass?.(HostwireError);
  // Record arguments may be decoded values: the addon encodes them with these codecs.
  binding.setRecordCodecs?.(recordCodecs());
  return binding;
}

let cached: NativeBinding | undefined;

/**
 * The addon, loaded once per thread (each worker gets its own instance of it). Throws a
 * `NativeLoadError` that says what to run when it is not built or does not match.
 */
export function loadNative(): NativeBinding {
  if (!cached) cached = load(addonPath());
  return cached;
}

/** Alias of `loadNative`. */
export const native = loadNative;

/**
 * `e` as a HostwireError when it carries an errno (`errno` a negative number) without being
 * one, as an error from a build without `setErrorClass` would; anything else unchanged.
 */
export function toHostwireError(e: unknown): unknown {
  if (e instanceof HostwireError || !(e instanceof Error)) return e;
  const errno = (e as Error & { errno?: unknown }).errno;
  if (typeof errno !== 'number' || !Number.isInteger(errno) || errno >= 0) return e;
  const code = (e as Error & { code?: unknown }).code;
  // The addon's messages start with the code, which HostwireError puts back itself.
  const message = typeof code === 'string' && e.message.startsWith(`${code}: `) ? e.message.slice(code.length + 2) : e.message;
  const wrapped = new HostwireError(errno, message);
  const frames = e.stack?.indexOf('\n') ?? -1;
  if (frames >= 0) wrapped.stack = `${wrapped.name}: ${wrapped.message}${e.stack!.slice(frames)}`;
  return wrapped;
}

/** Every record codec of the generated bindings, by its IDL name. */
function recordCodecs(): Record<string, { encode(value: never): Uint8Array }> {
  const out: Record<string, { encode(value: never): Uint8Array }> = {};
  for (const v of Object.values(records)) {
    if (typeof v === 'object' && v !== null && 'name' in v && 'encode' in v && typeof v.encode === 'function') {
      out[String(v.name)] = v as { encode(value: never): Uint8Array };
    }
  }
  return out;
}
