/**
 * Hostcalls: by import name; a hostcall that lost its import name but kept its C name, or
 * kept everything else, is the same hostcall renumbered. Signatures are compared twice: the
 * lowered wasm signature (what linking checks) and the IDL parameters (what it cannot: two
 * i32 parameters swapped link fine and go wrong silently).
 */
import type { Hostcall, HostcallParam } from '../model';
import { newErrnoName, newTypeName, type DiffContext } from './context';
import { diffErrors } from './errors';
import { pair } from './pair';
import { alignParams } from './params';
import { describeTypeChange, paramTypeKey, paramTypeName, type Side } from './types';

const SILENT = 'the wasm signature is unchanged, so guests built against the old ABI still link and go wrong silently';

const wasmSignature = (h: Hostcall): string =>
  `(${h.wasmParams.map((w) => `${w.wasm} ${w.name}`).join(', ')}) -> ${h.wasmResult ?? 'nothing'}`;
const wasmTypes = (h: Hostcall): string => `${h.wasmParams.map((w) => w.wasm).join(',')}->${h.wasmResult ?? ''}`;

const showReturn = (h: Hostcall): string =>
  h.returns.kind === 'value' ? `value ${h.returns.int!.name}` : h.returns.of ? `count of ${h.returns.of.name} records` : h.returns.kind;

/** Everything that makes a hostcall what it is, except its names and doc. */
function fingerprint(ctx: DiffContext, side: Side, h: Hostcall): string {
  const t = (name: string | undefined): string | undefined => (name === undefined ? undefined : side === 'old' ? newTypeName(ctx, name) : name);
  return JSON.stringify({
    family: h.family,
    params: h.params.map((p) => [p.name, paramTypeKey(ctx, side, p), t(p.record?.name), t(p.commands?.name)]),
    returns: [h.returns.kind, h.returns.int?.name, t(h.returns.of?.name)],
    errors: h.errors.map((e) => (side === 'old' ? newErrnoName(ctx, e.name) : e.name)),
    blocking: h.blocking,
    implemented: h.implemented,
  });
}

export function diffHostcalls(ctx: DiffContext): void {
  const { out } = ctx;
  const module = ctx.new.abi.module;
  const side = (h: Hostcall): Side => (ctx.old.hostcalls.includes(h) ? 'old' : 'new');
  const p = pair(ctx.old.hostcalls, ctx.new.hostcalls, (h) => h.name, (h) => h.cName, (h) => fingerprint(ctx, side(h), h));
  for (const { old: a, new: b, by } of p.matched) {
    if (by > 0) {
      const kept = by === 1 ? `C name ${b.cName} kept` : 'everything else identical';
      out.breaking('renumbering', `hostcalls/${a.name}`, `import name ${ctx.old.abi.module}.${a.name} -> ${module}.${b.name} (${kept}): guests built against the old ABI import ${a.name} and fail to link`);
    }
    diffHostcall(ctx, a, b);
  }
  for (const h of p.removed) {
    out.breaking('removal', `hostcalls/${h.name}`, `hostcall removed: guests that import ${ctx.old.abi.module}.${h.name} fail to link`);
  }
  for (const h of p.added) out.safe('addition', `hostcalls/${h.name}`, `hostcall ${module}.${h.name} added`);
}

function diffHostcall(ctx: DiffContext, a: Hostcall, b: Hostcall): void {
  const { out } = ctx;
  const path = `hostcalls/${b.name}`;
  const silent = wasmTypes(a) === wasmTypes(b);
  if (!silent) {
    out.breaking('signature-change', path, `wasm signature changed from ${wasmSignature(a)} to ${wasmSignature(b)}: guests built against the old ABI fail to link`);
  }
  const note = silent ? `; ${SILENT}` : '';

  const explainedByPrefix = a.cName === ctx.old.abi.c.functionPrefix + a.name && b.cName === ctx.new.abi.c.functionPrefix + b.name;
  if (a.cName !== b.cName && !(explainedByPrefix && a.name === b.name)) {
    out.sourceOnly('rename', `${path}/c_name`, `C name ${a.cName} -> ${b.cName}: C code calling ${a.cName} must change`);
  }
  for (const x of a.cAliases.filter((x) => !b.cAliases.includes(x))) {
    out.sourceOnly('removal', `${path}/c_aliases/${x}`, `C alias ${x} removed: C code calling it must change`);
  }
  for (const x of b.cAliases.filter((x) => !a.cAliases.includes(x))) out.safe('addition', `${path}/c_aliases/${x}`, `C alias ${x} added`);
  for (const x of a.cHelpers.filter((x) => !b.cHelpers.includes(x))) {
    out.sourceOnly('removal', `${path}/c_helpers/${x}`, `the C '${x}' helper is no longer generated: C code calling it must change`);
  }
  for (const x of b.cHelpers.filter((x) => !a.cHelpers.includes(x))) out.safe('addition', `${path}/c_helpers/${x}`, `C '${x}' helper added`);
  if (a.family !== b.family) out.safe('doc-change', `${path}/family`, `family ${a.family} -> ${b.family}`);
  out.doc(path, a.doc, b.doc);

  if (a.implemented && !b.implemented) {
    out.breaking('removal', `${path}/implemented`, 'no longer implemented: the host returns -ENOSYS to guests that call it');
  }
  if (!a.implemented && b.implemented) out.safe('addition', `${path}/implemented`, 'now implemented (was -ENOSYS)');

  diffParams(ctx, path, a, b, note);
  diffReturn(ctx, path, a, b, note);
  diffErrors(ctx, path, a.errors, b.errors);
  if (a.blocking !== b.blocking) {
    out.breaking(
      'signature-change',
      `${path}/blocking`,
      b.blocking
        ? 'now blocking: guests built against the old ABI do not expect the call to wait'
        : 'no longer blocking: guests built against the old ABI expect the call to wait for its result',
    );
  }
}

const INPUT = new Set(['in_bytes', 'in_string']);
const OUTPUT = new Set(['out_bytes', 'ctl_arg']);

function diffParams(ctx: DiffContext, path: string, a: Hostcall, b: Hostcall, note: string): void {
  const { out } = ctx;
  const al = alignParams(a.params, b.params);
  for (const q of al.added) {
    out.breaking('signature-change', `${path}/params/${q.name}`, `parameter ${q.name} (${paramTypeName(q)}) added${note}`);
  }
  for (const q of al.removed) {
    out.breaking('signature-change', `${path}/params/${q.name}`, `parameter ${q.name} (${paramTypeName(q)}) removed${note}`);
  }
  if (al.reordered) {
    const names = (ps: HostcallParam[]): string => ps.map((q) => q.name).join(', ');
    out.breaking('signature-change', `${path}/params`, `parameters reordered (${names(a.params)}) -> (${names(b.params)})${note}`);
  }
  for (const { old: x, new: y, renamed } of al.pairs) {
    const at = `${path}/params/${y.name}`;
    if (renamed) {
      out.safe('rename', `${path}/params/${x.name}`, `renamed to ${y.name}; parameters are positional in every binding`);
    }
    if (paramTypeKey(ctx, 'old', x) !== paramTypeKey(ctx, 'new', y)) {
      const ints = x.kind === 'int' && y.kind === 'int' ? ([x.int, y.int] as const) : ([undefined, undefined] as const);
      const direction =
        (INPUT.has(x.kind) && OUTPUT.has(y.kind)) || (OUTPUT.has(x.kind) && INPUT.has(y.kind))
          ? ` (buffer direction ${INPUT.has(x.kind) ? 'in -> out' : 'out -> in'})`
          : '';
      out.breaking('type-change', at, `type ${describeTypeChange(paramTypeName(x), paramTypeName(y), ints[0], ints[1])}${direction}${note}`);
    }
    const rec = (r: HostcallParam['record'], s: Side): string => (r ? (s === 'old' ? newTypeName(ctx, r.name) : r.name) : '');
    if (rec(x.record, 'old') !== rec(y.record, 'new')) {
      const show = (r: HostcallParam['record']): string => (r ? `${r.name} records` : 'bytes');
      out.breaking('type-change', at, `buffer holds ${show(x.record)} -> ${show(y.record)}${note}`);
    }
    const cmd = (e: HostcallParam['commands'], s: Side): string => (e ? (s === 'old' ? newTypeName(ctx, e.name) : e.name) : '');
    if (cmd(x.commands, 'old') !== cmd(y.commands, 'new')) {
      out.breaking('type-change', at, `commands ${x.commands?.name ?? 'none'} -> ${y.commands?.name ?? 'none'}${note}`);
    }
    if (x.kind === 'in_string' && y.kind === 'in_string' && x.cStrName !== y.cStrName) {
      out.safe('rename', `${at}/c_str_name`, `C parameter name of the _str helper ${x.cStrName} -> ${y.cStrName}`);
    }
    if (x.cRecordHelper !== y.cRecordHelper) {
      if (x.cRecordHelper === undefined) out.safe('addition', `${at}/c_record_helper`, `C helper ${y.cRecordHelper} added`);
      else if (y.cRecordHelper === undefined) out.sourceOnly('removal', `${at}/c_record_helper`, `C helper ${x.cRecordHelper} removed: C code calling it must change`);
      else out.sourceOnly('rename', `${at}/c_record_helper`, `C helper ${x.cRecordHelper} -> ${y.cRecordHelper}: C code calling it must change`);
    }
    if (x.timeout !== y.timeout) {
      out.safe(
        'constraint-change',
        `${at}/timeout`,
        y.timeout
          ? 'now the relative timeout of the call: a retry after a guest callback waits only what is left of it'
          : 'no longer the relative timeout of the call: a retry after a guest callback waits it in full again',
      );
    }
    out.doc(at, x.doc, y.doc);
  }
}

function diffReturn(ctx: DiffContext, path: string, a: Hostcall, b: Hostcall, note: string): void {
  const { out } = ctx;
  const ra = a.returns;
  const rb = b.returns;
  const at = `${path}/returns`;
  if (ra.kind !== rb.kind) {
    out.breaking('signature-change', at, `return kind ${showReturn(a)} -> ${showReturn(b)}${note}`);
    return;
  }
  if (ra.int && rb.int && ra.int.name !== rb.int.name) {
    out.breaking('type-change', at, `return type ${describeTypeChange(ra.int.name, rb.int.name, ra.int, rb.int)}${note}`);
  }
  const of = (r: Hostcall['returns'], s: Side): string => (r.of ? (s === 'old' ? newTypeName(ctx, r.of.name) : r.of.name) : '');
  if (of(ra, 'old') !== of(rb, 'new')) {
    out.breaking('signature-change', at, `returns a ${showReturn(a)} -> a ${showReturn(b)}${note}`);
  }
}
