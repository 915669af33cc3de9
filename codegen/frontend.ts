/** The generator's front end: load -> validate (schema, semantics) -> resolve. No back end is loaded. */
import { Diagnostic, IdlError } from './diagnostics';
import { loadIdl, type SourceFile } from './load';
import type { Model } from './model';
import { mergeFiles } from './raw';
import { validateSchema } from './validate/schema';
import { checkCHeader } from './validate/c-header';
import { checkSemantics } from './validate/semantic';
import { resolve } from './resolve/resolve';

export interface BuildOptions {
  /**
   * Also refuse an IDL without what the back ends' hand-written helpers use (the log
   * hostcall, the alloc constants, the SSF records of the C header): on by default, since
   * every back end runs on the model. `hostwire diff`, which compares IDLs and generates
   * nothing, turns it off.
   */
  generate?: boolean;
}

/** Load, validate and resolve the IDL at `idlPath` (a file or a folder). Throws IdlError. */
export function buildModel(idlPath: string, options: BuildOptions = {}): Model {
  return buildModelFrom(loadIdl(idlPath), options);
}

/** Validate and resolve IDL files already parsed (`loadIdl`, `parseSource`). Throws IdlError. */
export function buildModelFrom(files: SourceFile[], options: BuildOptions = {}): Model {
  const shape: Diagnostic[] = files.flatMap(validateSchema);
  if (shape.length) throw new IdlError(shape);
  const raw = mergeFiles(files);
  const semantic = checkSemantics(raw);
  if (options.generate !== false) semantic.push(...checkCHeader(raw));
  if (semantic.length) throw new IdlError(semantic);
  return resolve(raw);
}
