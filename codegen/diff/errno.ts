/** The errno table: codes by name and number (so renames are found), and its C aliases. */
import type { ErrnoAlias } from '../model';
import { newErrnoName, type DiffContext } from './context';
import { pair } from './pair';

export function diffErrnos(ctx: DiffContext): void {
  const { out } = ctx;
  const prefix = ctx.new.abi.c.constantPrefix;
  for (const { old: a, new: b, by } of ctx.errnos.matched) {
    if (by === 0 && a.value !== b.value) {
      out.breaking('renumbering', `errno/${a.name}`, `${a.name} renumbered ${a.value} -> ${b.value}: guests and peers built against the old ABI take -${b.value} for another error (or none) and no longer recognise ${a.name}`);
    }
    if (by === 1) {
      out.sourceOnly('rename', `errno/${a.name}`, `renamed to ${b.name} (value ${b.value} kept): C code using ${prefix}${a.name} and code testing error.code === '${a.name}' must change`);
    }
    out.doc(`errno/${b.name}`, a.doc, b.doc);
  }
  for (const e of ctx.errnos.removed) {
    out.breaking('removal', `errno/${e.name}`, `errno ${e.name} (${e.value}) removed: guests and peers built against the old ABI still use it`);
  }
  for (const e of ctx.errnos.added) {
    out.safe('addition', `errno/${e.name}`, `errno ${e.name} (${e.value}) added to the table`);
  }
  diffErrnoAliases(ctx);
}

function diffErrnoAliases(ctx: DiffContext): void {
  const { out } = ctx;
  const show = (a: ErrnoAlias): string => (a.errno ? `-${a.errno} (${a.value})` : String(a.value));
  const p = pair(ctx.old.errnoAliases, ctx.new.errnoAliases, (a) => a.name);
  for (const { old: a, new: b } of p.matched) {
    const same = a.errno !== undefined && b.errno !== undefined ? newErrnoName(ctx, a.errno) === b.errno : a.value === b.value;
    if (!same) {
      out.sourceOnly('renumbering', `errno/aliases/${a.name}`, `C alias ${a.name} now stands for ${show(b)}, was ${show(a)}: guests compiled against the new header change meaning`);
    }
    out.doc(`errno/aliases/${b.name}`, a.doc, b.doc);
  }
  for (const a of p.removed) out.sourceOnly('removal', `errno/aliases/${a.name}`, `C alias ${a.name} removed: C code using it no longer compiles`);
  for (const a of p.added) out.safe('addition', `errno/aliases/${a.name}`, `C alias ${a.name} added`);
}
