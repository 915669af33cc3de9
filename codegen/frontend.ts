/** The generator's front end: load -> validate (schema, semantics) -> resolve. No back end is loaded. */
import { Diagnostic, IdlError } from './diagnostics';
import { loadIdl, type SourceFile } from './load';
import type { Model } from './model';
import { mergeFiles } from './raw';
import { validateSchema } from './validate/schema';
import { checkSemantics } from './validate/semantic';
import { resolve } from './resolve/resolve';

/** Load, validate and resolve the IDL at `idlPath` (a file or a folder). Throws IdlError. */
export function buildModel(idlPath: string): Model {
  return buildModelFrom(loadIdl(idlPath));
}

/** Validate and resolve IDL files already parsed (`loadIdl`, `parseSource`). Throws IdlError. */
export function buildModelFrom(files: SourceFile[]): Model {
  const shape: Diagnostic[] = files.flatMap(validateSchema);
  if (shape.length) throw new IdlError(shape);
  const raw = mergeFiles(files);
  const semantic = checkSemantics(raw);
  if (semantic.length) throw new IdlError(semantic);
  return resolve(raw);
}
