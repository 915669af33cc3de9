/**
 * Records: the type by name (else by C name), each field by name (else by offset and type,
 * a rename). Layout is compared as laid out, so a change of size, alignment or any offset is
 * found even when every name is the same.
 */
import type { RecordDef, RecordField } from '../model';
import type { DiffContext } from './context';
import { pair } from './pair';
import { describeTypeChange, fieldTypeKey, showInt } from './types';

export function diffRecords(ctx: DiffContext): void {
  const { out } = ctx;
  for (const { old: a, new: b, by } of ctx.records.matched) {
    const path = `records/${b.name}`;
    if (by === 1) {
      out.sourceOnly('rename', `records/${a.name}`, `renamed to ${b.name} (C name ${b.cName} kept): TypeScript code using its interface and codec must change`);
    }
    const sizeChanged = a.size !== b.size || a.align !== b.align;
    if (sizeChanged) {
      const parts = [a.size !== b.size ? `size ${a.size} -> ${b.size} bytes` : '', a.align !== b.align ? `alignment ${a.align} -> ${b.align}` : ''].filter(Boolean);
      out.breaking('layout-change', path, `${parts.join(', ')}: guests and peers built against the old ABI read and write the old layout`);
    }
    if (by === 0 && a.cName !== b.cName) {
      out.sourceOnly('rename', `${path}/c_name`, `C name ${a.cName} -> ${b.cName}: C code using ${a.cName} must change`);
    }
    if (a.cHeader !== b.cHeader) {
      out.sourceOnly('rename', `${path}/c_header`, `moved from ${a.cHeader} to ${b.cHeader}: C code must include the new header`);
    }
    out.doc(path, a.doc, b.doc);
    const offsetsChanged = diffFields(ctx, path, a, b);
    if (a.layout !== b.layout) {
      if (sizeChanged || offsetsChanged) out.breaking('layout-change', `${path}/layout`, `layout ${a.layout} -> ${b.layout}`);
      else out.safe('layout-change', `${path}/layout`, `layout ${a.layout} -> ${b.layout}; size, alignment and every offset are unchanged`);
    }
  }
  for (const r of ctx.records.removed) out.breaking('removal', `records/${r.name}`, `record ${r.name} (${r.size} bytes) removed`);
  for (const r of ctx.records.added) out.safe('addition', `records/${r.name}`, `record ${r.name} (${r.size} bytes) added`);
}

const showRange = (r?: [bigint, bigint]): string => (r ? `[${r[0]}, ${r[1]}]` : 'none');

/** Compare the fields; returns whether any field moved, was added or was removed. */
function diffFields(ctx: DiffContext, path: string, a: RecordDef, b: RecordDef): boolean {
  const { out } = ctx;
  let moved = false;
  const p = pair<RecordField>(
    a.fields,
    b.fields,
    (f) => f.name,
    // a field of another name at the same offset with the same type: a rename
    (f) => `${f.offset}|${fieldTypeKey(ctx, a.fields.includes(f) ? 'old' : 'new', f.type)}`,
  );
  for (const { old: x, new: y, by } of p.matched) {
    const at = `${path}/fields/${y.name}`;
    if (by === 1) {
      out.sourceOnly('rename', `${path}/fields/${x.name}`, `renamed to ${y.name} (offset ${y.offset}, type ${y.typeName} kept): C and TypeScript code using .${x.name} must change`);
    }
    const typeChanged = fieldTypeKey(ctx, 'old', x.type) !== fieldTypeKey(ctx, 'new', y.type);
    if (typeChanged) {
      const ints = x.type.kind === 'int' && y.type.kind === 'int' ? [x.type.int, y.type.int] as const : [undefined, undefined] as const;
      const size = x.size !== y.size ? `; size ${x.size} -> ${y.size} bytes` : '';
      out.breaking('type-change', at, `type ${describeTypeChange(x.typeName, y.typeName, ints[0], ints[1])}${size}`);
    } else if (x.size !== y.size) {
      out.breaking('layout-change', at, `size ${x.size} -> ${y.size} bytes (its type ${y.typeName} changed size)`);
    }
    if (x.offset !== y.offset) {
      moved = true;
      out.breaking('layout-change', at, `offset ${x.offset} -> ${y.offset}: guests and peers built against the old ABI read and write it at ${x.offset}`);
    }
    diffConstraints(ctx, at, x, y);
    out.doc(at, x.doc, y.doc);
  }
  for (const f of p.removed) {
    moved = true;
    out.breaking('removal', `${path}/fields/${f.name}`, `field ${f.name} (offset ${f.offset}, ${f.size} bytes) removed`);
  }
  for (const f of p.added) {
    moved = true;
    if (f.offset + f.size <= a.size && a.size === b.size) {
      out.dangerous('addition', `${path}/fields/${f.name}`, `field ${f.name} added at offset ${f.offset} inside the old size: readers built against the old ABI ignore it, writers leave it unset`);
    } else {
      out.breaking('layout-change', `${path}/fields/${f.name}`, `field ${f.name} added at offset ${f.offset} (${f.size} bytes): the record's layout changes`);
    }
  }
  return moved;
}

/** `const` and `range`: what a strict decoder accepts. */
function diffConstraints(ctx: DiffContext, at: string, x: RecordField, y: RecordField): void {
  const { out } = ctx;
  if (x.const !== y.const) {
    if (x.const !== undefined && y.const !== undefined) {
      out.breaking('constraint-change', at, `const ${showInt(x.const)} -> ${showInt(y.const)}: each version rejects the other's records`);
    } else if (y.const !== undefined) {
      out.breaking('constraint-change', at, `now const ${showInt(y.const)}: records from writers built against the old ABI may be rejected`);
    } else {
      out.dangerous('constraint-change', at, `no longer const ${showInt(x.const!)}: readers built against the old ABI reject other values`);
    }
  }
  const [xr, yr] = [x.range, y.range];
  if (showRange(xr) !== showRange(yr)) {
    const wider = !yr || (xr !== undefined && yr[0] <= xr[0] && yr[1] >= xr[1]);
    if (wider) {
      out.dangerous('constraint-change', at, `range ${showRange(xr)} -> ${showRange(yr)} (wider): readers built against the old ABI reject the new values`);
    } else {
      out.breaking('constraint-change', at, `range ${showRange(xr)} -> ${showRange(yr)}: records from writers built against the old ABI may be rejected`);
    }
  }
}
