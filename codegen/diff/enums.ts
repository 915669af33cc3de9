/** Enums: the type by name (else by C prefix), each value by name and by number. */
import type { EnumDef, EnumValue } from '../model';
import { diffAliases } from './aliases';
import type { DiffContext } from './context';
import { pair } from './pair';
import { describeTypeChange, showInt } from './types';

export function diffEnums(ctx: DiffContext): void {
  const { out } = ctx;
  for (const { old: a, new: b, by } of ctx.enums.matched) {
    const path = `enums/${b.name}`;
    if (by === 1) {
      out.sourceOnly('rename', `enums/${a.name}`, `renamed to ${b.name} (C prefix ${b.cPrefix} kept): TypeScript code using its old name must change`);
    }
    if (a.type.name !== b.type.name) {
      out.breaking('type-change', path, `type ${describeTypeChange(a.type.name, b.type.name, a.type, b.type)}: every record field and parameter of this type changes with it`);
    }
    if (by === 0 && a.cPrefix !== b.cPrefix) {
      out.sourceOnly('rename', `${path}/c_prefix`, `C prefix ${a.cPrefix} -> ${b.cPrefix}: the C name of every value changes`);
    }
    if (a.cHeader !== b.cHeader) {
      out.sourceOnly('rename', `${path}/c_header`, `moved from ${a.cHeader} to ${b.cHeader}: C code must include the new header`);
    }
    out.doc(path, a.doc, b.doc);
    const renamed = diffValues(ctx, path, a, b);
    diffAliases(ctx, path, a.aliases, b.aliases, renamed);
  }
  for (const e of ctx.enums.removed) out.breaking('removal', `enums/${e.name}`, `enum ${e.name} removed`);
  for (const e of ctx.enums.added) out.safe('addition', `enums/${e.name}`, `enum ${e.name} added`);
}

/** Compare the values; returns old name -> new name of every paired value. */
function diffValues(ctx: DiffContext, path: string, a: EnumDef, b: EnumDef): Map<string, string> {
  const { out } = ctx;
  const p = pair<EnumValue>(a.values, b.values, (v) => v.name, (v) => String(v.value));
  for (const { old: x, new: y, by } of p.matched) {
    const at = `${path}/values/${y.name}`;
    if (by === 0 && x.value !== y.value) {
      out.breaking('renumbering', at, `${x.name} renumbered ${showInt(x.value)} -> ${showInt(y.value)}: guests and peers built against the old ABI send and expect ${showInt(x.value)}`);
    }
    if (by === 1) {
      out.sourceOnly('rename', `${path}/values/${x.name}`, `renamed to ${y.name} (value ${showInt(y.value)} kept): C code using ${x.cName} and TypeScript code using .${x.name} must change`);
    }
    if (x.input !== y.input) out.breaking('type-change', at, `command input ${x.input} -> ${y.input}: callers built against the old ABI pass the old argument`);
    if (x.output !== y.output) out.breaking('type-change', at, `command output ${x.output} -> ${y.output}: callers built against the old ABI read the old result`);
    if (x.paramHelpers && !y.paramHelpers) out.sourceOnly('removal', `${at}/param_helpers`, `the C _string/_u32 helpers of ${y.name} are no longer generated`);
    if (!x.paramHelpers && y.paramHelpers) out.safe('addition', `${at}/param_helpers`, `C _string/_u32 helpers of ${y.name} added`);
    out.doc(at, x.doc, y.doc);
  }
  for (const v of p.removed) {
    out.breaking('removal', `${path}/values/${v.name}`, `value ${v.name} (${showInt(v.value)}) removed: guests and peers built against the old ABI still use it`);
  }
  for (const v of p.added) {
    out.dangerous('addition', `${path}/values/${v.name}`, `value ${v.name} (${showInt(v.value)}) added: code built against the old ABI may receive a value it does not know (a switch without default, a strict decoder)`);
  }
  return new Map(p.matched.map((m) => [m.old.name, m.new.name]));
}
