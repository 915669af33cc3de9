/**
 * Dictionaries (option bags of the host API): by name, fields by name only. A dictionary
 * field's name is the key callers write, so a renamed field is a removal and an addition.
 */
import type { DictionaryField } from '../model';
import type { DiffContext } from './context';
import { pair } from './pair';
import { apiTypeKey } from './types';

const json = (v: unknown): string => (v === undefined ? 'none' : JSON.stringify(v));
const showRange = (r?: [bigint, bigint]): string => (r ? `[${r[0]}, ${r[1]}]` : 'none');

export function diffDictionaries(ctx: DiffContext): void {
  const { out } = ctx;
  const p = pair(ctx.old.dictionaries, ctx.new.dictionaries, (d) => d.name);
  for (const { old: a, new: b } of p.matched) {
    const path = `dictionaries/${b.name}`;
    out.doc(path, a.doc, b.doc);
    const f = pair(a.fields, b.fields, (x) => x.name);
    for (const { old: x, new: y } of f.matched) diffField(ctx, `${path}/fields/${y.name}`, x, y);
    for (const x of f.removed) {
      out.breaking('removal', `${path}/fields/${x.name}`, `field ${x.name} removed: callers built against the old API still pass it, and it is ignored`);
    }
    for (const y of f.added) {
      if (y.optional) out.safe('addition', `${path}/fields/${y.name}`, `optional field ${y.name} added${y.default !== undefined ? ` (default ${json(y.default)})` : ''}`);
      else out.breaking('signature-change', `${path}/fields/${y.name}`, `required field ${y.name} added: callers built against the old API do not pass it`);
    }
  }
  for (const d of p.removed) out.breaking('removal', `dictionaries/${d.name}`, `dictionary ${d.name} removed`);
  for (const d of p.added) out.safe('addition', `dictionaries/${d.name}`, `dictionary ${d.name} added`);
}

function diffField(ctx: DiffContext, at: string, x: DictionaryField, y: DictionaryField): void {
  const { out } = ctx;
  if (apiTypeKey(ctx, 'old', x.type) !== apiTypeKey(ctx, 'new', y.type)) {
    out.breaking('type-change', at, `type ${x.typeName} -> ${y.typeName}`);
  }
  if (x.optional && !y.optional) out.breaking('constraint-change', at, 'now required: callers built against the old API may leave it out');
  if (!x.optional && y.optional) out.safe('constraint-change', at, 'now optional');
  if (json(x.default) !== json(y.default)) {
    out.dangerous('default-change', at, `default ${json(x.default)} -> ${json(y.default)}: callers that leave it out get another behaviour`);
  }
  if (showRange(x.range) !== showRange(y.range)) {
    const wider = !y.range || (x.range !== undefined && y.range[0] <= x.range[0] && y.range[1] >= x.range[1]);
    if (wider) out.safe('constraint-change', at, `range ${showRange(x.range)} -> ${showRange(y.range)} (wider)`);
    else out.breaking('constraint-change', at, `range ${showRange(x.range)} -> ${showRange(y.range)}: values callers built against the old API pass may be rejected`);
  }
  out.doc(at, x.doc, y.doc);
}
