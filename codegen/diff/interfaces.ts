/** Interfaces of the host API: by name; constructors and methods by signature. */
import type { ApiParam, Errno } from '../model';
import type { DiffContext } from './context';
import { diffErrors } from './errors';
import { pair } from './pair';
import { alignParams } from './params';
import { apiTypeKey } from './types';

export function diffInterfaces(ctx: DiffContext): void {
  const { out } = ctx;
  const p = pair(ctx.old.interfaces, ctx.new.interfaces, (i) => i.name);
  for (const { old: a, new: b } of p.matched) {
    const path = `interfaces/${b.name}`;
    out.doc(path, a.doc, b.doc);
    if (a.ctor && b.ctor) {
      diffCall(ctx, `${path}/ctor`, { params: a.ctor.params, errors: a.ctor.errors }, { params: b.ctor.params, errors: b.ctor.errors });
      out.doc(`${path}/ctor`, a.ctor.doc, b.ctor.doc);
    } else if (a.ctor) {
      out.breaking('removal', `${path}/ctor`, `constructor removed: callers built against the old API construct ${a.name} directly`);
    } else if (b.ctor) {
      out.safe('addition', `${path}/ctor`, 'constructor added');
    }
    const m = pair(a.methods, b.methods, (x) => x.name);
    for (const { old: x, new: y } of m.matched) {
      const at = `${path}/methods/${y.name}`;
      if (x.async !== y.async) {
        out.breaking(
          'signature-change',
          `${at}/async`,
          y.async ? 'now async: callers built against the old API get a promise instead of the result' : 'no longer async: callers built against the old API expect a promise',
        );
      }
      diffCall(ctx, at, x, y);
      if (apiTypeKey(ctx, 'old', x.returns) !== apiTypeKey(ctx, 'new', y.returns)) {
        out.breaking('signature-change', `${at}/returns`, `returns ${x.returnsName} -> ${y.returnsName}`);
      }
      out.doc(at, x.doc, y.doc);
    }
    for (const x of m.removed) out.breaking('removal', `${path}/methods/${x.name}`, `method ${b.name}.${x.name} removed`);
    for (const y of m.added) out.safe('addition', `${path}/methods/${y.name}`, `method ${b.name}.${y.name} added`);
  }
  for (const i of p.removed) out.breaking('removal', `interfaces/${i.name}`, `interface ${i.name} removed`);
  for (const i of p.added) out.safe('addition', `interfaces/${i.name}`, `interface ${i.name} added`);
}

interface Call {
  params: ApiParam[];
  errors: Errno[];
}

/** Parameters and errors of a method or constructor. Optional parameters added last are safe. */
function diffCall(ctx: DiffContext, path: string, a: Call, b: Call): void {
  const { out } = ctx;
  const al = alignParams(a.params, b.params);
  const lastKept = Math.max(-1, ...al.pairs.map((q) => b.params.indexOf(q.new)));
  for (const q of al.added) {
    if (q.optional && b.params.indexOf(q) > lastKept) out.safe('addition', `${path}/params/${q.name}`, `optional parameter ${q.name} (${q.typeName}) added last`);
    else out.breaking('signature-change', `${path}/params/${q.name}`, `parameter ${q.name} (${q.typeName}) added: callers built against the old API pass their arguments in the old positions`);
  }
  for (const q of al.removed) {
    out.breaking('signature-change', `${path}/params/${q.name}`, `parameter ${q.name} (${q.typeName}) removed: callers built against the old API still pass it`);
  }
  if (al.reordered) {
    const names = (ps: ApiParam[]): string => ps.map((q) => q.name).join(', ');
    out.breaking('signature-change', `${path}/params`, `parameters reordered (${names(a.params)}) -> (${names(b.params)})`);
  }
  for (const { old: x, new: y, renamed } of al.pairs) {
    const at = `${path}/params/${y.name}`;
    if (renamed) out.safe('rename', `${path}/params/${x.name}`, `renamed to ${y.name}; parameters are positional`);
    if (apiTypeKey(ctx, 'old', x.type) !== apiTypeKey(ctx, 'new', y.type)) out.breaking('type-change', at, `type ${x.typeName} -> ${y.typeName}`);
    if (x.optional && !y.optional) out.breaking('constraint-change', at, 'now required: callers built against the old API may leave it out');
    if (!x.optional && y.optional) out.safe('constraint-change', at, 'now optional');
    out.doc(at, x.doc, y.doc);
  }
  diffErrors(ctx, path, a.errors, b.errors);
}
