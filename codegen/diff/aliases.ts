/** C-only alias names of enum values and flag bits: compared by what they stand for. */
import type { Alias } from '../model';
import type { DiffContext } from './context';
import { pair } from './pair';

/**
 * `renamed` maps an old value (or bit) name to its new name, so an alias that follows its
 * target through a rename or a renumbering is unchanged (the target's own change is reported
 * where the target is). An alias that now names another target changes meaning in C.
 */
export function diffAliases(ctx: DiffContext, path: string, olds: readonly Alias[], news: readonly Alias[], renamed: ReadonlyMap<string, string>): void {
  const { out } = ctx;
  const p = pair(olds, news, (a) => a.name);
  for (const { old: a, new: b } of p.matched) {
    if ((renamed.get(a.of) ?? a.of) !== b.of) {
      out.sourceOnly('renumbering', `${path}/aliases/${a.name}`, `C alias ${a.name} now stands for ${b.of}, was ${a.of}: guests compiled against the new header change meaning`);
    }
  }
  for (const a of p.removed) out.sourceOnly('removal', `${path}/aliases/${a.name}`, `C alias ${a.name} removed: C code using it no longer compiles`);
  for (const a of p.added) out.safe('addition', `${path}/aliases/${a.name}`, `C alias ${a.name} added`);
}
