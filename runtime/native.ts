/**
 * The native addon (`hostwire.node`): its loader, typed by the binding the generator declares.
 *
 * `npm install` builds it with cmake-js into `build/Release/hostwire.node` at the package root
 * (`npm run build:native` rebuilds it). `HOSTWIRE_ADDON` may name another build to load.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ABI } from '../generated/ts/constants';
import { HostwireError } from '../generated/ts/errno';
import type { NativeBinding } from '../generated/ts/sdk';

/** The package root: this file runs from `dist/runtime/`. */
const ROOT = path.resolve(__dirname, '..', '..');

/** Where cmake-js puts the addon (`cmake-js compile -d native -O build`). */
export const ADDON_PATH = path.join(ROOT, 'build', 'Release', 'hostwire.node');

/** The addon's exports beyond the typed binding. */
interface NativeExtras {
  /** The class the addon makes errno errors with: `new ErrorClass(errno, message)`. */
  setErrorClass?(ctor: (new (errno: number, message: string) => Error) | undefined): void;
}

/** The addon cannot be loaded (not built, or built for another Node or ABI). */
export class NativeLoadError extends Error {
  readonly code = 'HOSTWIRE_NATIVE';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'NativeLoadError';
  }
}

function addonPath(): string {
  return process.env.HOSTWIRE_ADDON ? path.resolve(process.env.HOSTWIRE_ADDON) : ADDON_PATH;
}

function load(file: string): NativeBinding & NativeExtras {
  const shown = path.relative(process.cwd(), file) || file;
  if (!fs.existsSync(file)) {
    throw new NativeLoadError(
      `hostwire: the native addon is not built (${shown} is missing); ` +
        'run `npm run build:native` (cmake-js compile -d native -O build) after `npm run generate`',
    );
  }
  let binding: NativeBinding & NativeExtras;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    binding = require(file) as NativeBinding & NativeExtras;
  } catch (e) {
    throw new NativeLoadError(`hostwire: cannot load the native addon ${shown}: ${(e as Error).message}; rebuild it with \`npm run build:native\``, {
      cause: e,
    });
  }
  const built = binding.abi();
  if (built.version !== ABI.version) {
    throw new NativeLoadError(
      `hostwire: the native addon ${shown} was built for ABI ${built.version}, these bindings are ${ABI.version}; ` +
        'rebuild it with `npm run build:native`',
    );
  }
  // Errno errors thrown and rejected by the addon are HostwireError instances from here on.
  binding.setErrorClass?.(HostwireError);
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
