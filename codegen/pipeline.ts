/**
 * The generator: load -> validate (schema, semantics) -> resolve -> emit -> write or check.
 */
import { Diagnostic, IdlError } from './diagnostics';
import { loadIdl } from './load';
import type { GeneratedFile, Model } from './model';
import { mergeFiles } from './raw';
import { validateSchema } from './validate/schema';
import { checkSemantics } from './validate/semantic';
import { resolve } from './resolve/resolve';
import { BACKENDS } from './emit';

/** Load, validate and resolve the IDL at `idlPath` (a file or a folder). Throws IdlError. */
export function buildModel(idlPath: string): Model {
  const files = loadIdl(idlPath);
  const shape: Diagnostic[] = files.flatMap(validateSchema);
  if (shape.length) throw new IdlError(shape);
  const raw = mergeFiles(files);
  const semantic = checkSemantics(raw);
  if (semantic.length) throw new IdlError(semantic);
  return resolve(raw);
}

/** Every generated file, sorted by path. Deterministic: no timestamps, stable order. */
export function emitAll(model: Model): GeneratedFile[] {
  const out: GeneratedFile[] = [];
  for (const b of BACKENDS) {
    for (const f of b.emit(model)) out.push({ path: `${b.name}/${f.path}`, content: f.content });
  }
  const seen = new Set<string>();
  for (const f of out) {
    if (seen.has(f.path)) throw new Error(`two back ends wrote ${f.path}`);
    seen.add(f.path);
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
