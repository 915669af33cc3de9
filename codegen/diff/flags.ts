/** Flag sets: the set by name (else by C prefix), each bit by name and by position. */
import type { FlagBit, FlagsDef } from '../model';
import { diffAliases } from './aliases';
import type { DiffContext } from './context';
import { pair } from './pair';
import { describeTypeChange } from './types';

const showBit = (b: FlagBit): string => `bit ${b.bit}, mask 0x${b.mask.toString(16)}`;

export function diffFlags(ctx: DiffContext): void {
  const { out } = ctx;
  for (const { old: a, new: b, by } of ctx.flags.matched) {
    const path = `flags/${b.name}`;
    if (by === 1) {
      out.sourceOnly('rename', `flags/${a.name}`, `renamed to ${b.name} (C prefix ${b.cPrefix} kept): TypeScript code using its old name must change`);
    }
    if (a.type.name !== b.type.name) {
      out.breaking('type-change', path, `type ${describeTypeChange(a.type.name, b.type.name, a.type, b.type)}: every record field and parameter of this type changes with it`);
    }
    if (by === 0 && a.cPrefix !== b.cPrefix) {
      out.sourceOnly('rename', `${path}/c_prefix`, `C prefix ${a.cPrefix} -> ${b.cPrefix}: the C name of every bit changes`);
    }
    if (a.cHeader !== b.cHeader) {
      out.sourceOnly('rename', `${path}/c_header`, `moved from ${a.cHeader} to ${b.cHeader}: C code must include the new header`);
    }
    out.doc(path, a.doc, b.doc);
    const renamed = diffBits(ctx, path, a, b);
    diffAliases(ctx, path, a.aliases, b.aliases, renamed);
  }
  for (const f of ctx.flags.removed) out.breaking('removal', `flags/${f.name}`, `flag set ${f.name} removed`);
  for (const f of ctx.flags.added) out.safe('addition', `flags/${f.name}`, `flag set ${f.name} added`);
}

/** Compare the bits; returns old name -> new name of every paired bit. */
function diffBits(ctx: DiffContext, path: string, a: FlagsDef, b: FlagsDef): Map<string, string> {
  const { out } = ctx;
  const p = pair<FlagBit>(a.bits, b.bits, (x) => x.name, (x) => String(x.bit));
  for (const { old: x, new: y, by } of p.matched) {
    const at = `${path}/bits/${y.name}`;
    if (by === 0 && x.bit !== y.bit) {
      out.breaking('renumbering', at, `${x.name} moved from bit ${x.bit} to bit ${y.bit} (mask 0x${x.mask.toString(16)} -> 0x${y.mask.toString(16)}): guests and peers built against the old ABI set and test the old bit`);
    }
    if (by === 1) {
      out.sourceOnly('rename', `${path}/bits/${x.name}`, `renamed to ${y.name} (${showBit(y)} kept): C code using ${x.cName} and TypeScript code using .${x.name} must change`);
    }
    out.doc(at, x.doc, y.doc);
  }
  for (const x of p.removed) {
    out.breaking('removal', `${path}/bits/${x.name}`, `flag ${x.name} (${showBit(x)}) removed: guests and peers built against the old ABI still set or expect it`);
  }
  for (const x of p.added) {
    out.dangerous('addition', `${path}/bits/${x.name}`, `flag ${x.name} (${showBit(x)}) added to an existing set: code built against the old ABI may receive a bit it does not know (strict decoders reject it)`);
  }
  return new Map(p.matched.map((m) => [m.old.name, m.new.name]));
}
