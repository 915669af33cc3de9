/**
 * The generator: load -> validate (schema, semantics) -> resolve (`frontend.ts`) -> emit ->
 * write or check (`write.ts`).
 */
import type { GeneratedFile, Model } from './model';
import { BACKENDS } from './emit';

export { buildModel, buildModelFrom } from './frontend';

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
