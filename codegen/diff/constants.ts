/** Constants: by name, else by C name (a rename of the IDL/TypeScript name). */
import type { DiffContext } from './context';
import { pair } from './pair';
import { describeTypeChange, showInt } from './types';

export function diffConstants(ctx: DiffContext): void {
  const { out } = ctx;
  const oldPrefix = ctx.old.abi.c.constantPrefix;
  const newPrefix = ctx.new.abi.c.constantPrefix;
  const p = pair(ctx.old.constants, ctx.new.constants, (c) => c.name, (c) => c.cName);
  for (const { old: a, new: b, by } of p.matched) {
    const path = `constants/${b.name}`;
    if (by === 1) {
      out.sourceOnly('rename', `constants/${a.name}`, `renamed to ${b.name} (C name ${b.cName} kept): TypeScript code using ${a.name} must change`);
    }
    if (a.value !== b.value) {
      out.breaking('renumbering', path, `value ${showInt(a.value)} -> ${showInt(b.value)}: guests and peers built against the old ABI keep the old value`);
    }
    if (a.type.name !== b.type.name) {
      out.breaking('type-change', path, `type ${describeTypeChange(a.type.name, b.type.name, a.type, b.type)}`);
    }
    const byPrefix = a.cName === oldPrefix + a.name && b.cName === newPrefix + b.name && a.name === b.name;
    if (by === 0 && a.cName !== b.cName && !byPrefix) {
      out.sourceOnly('rename', `${path}/c_name`, `C name ${a.cName} -> ${b.cName}: C code using ${a.cName} must change`);
    }
    if (a.cHeader !== b.cHeader) {
      out.sourceOnly('rename', `${path}/c_header`, `moved from ${a.cHeader} to ${b.cHeader}: C code must include the new header`);
    }
    out.doc(path, a.doc, b.doc);
  }
  for (const c of p.removed) out.breaking('removal', `constants/${c.name}`, `constant ${c.name} (${showInt(c.value)}) removed`);
  for (const c of p.added) out.safe('addition', `constants/${c.name}`, `constant ${c.name} (${showInt(c.value)}) added`);
}
