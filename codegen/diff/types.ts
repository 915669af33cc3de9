/**
 * Type identity across versions. A key names a type in new-version terms (an old enum that
 * was renamed keys as its new name), so two types are the same exactly when their keys are.
 */
import type { ApiType, FieldType, HostcallParam, IntInfo } from '../model';
import { newTypeName, type DiffContext } from './context';

export type Side = 'old' | 'new';

const named = (ctx: DiffContext, side: Side, name: string): string => (side === 'old' ? newTypeName(ctx, name) : name);

export function fieldTypeKey(ctx: DiffContext, side: Side, t: FieldType): string {
  switch (t.kind) {
    case 'int':
      return t.int.name;
    case 'enum':
    case 'flags':
    case 'record':
      return `${t.kind} ${named(ctx, side, t.def.name)}`;
    case 'array':
      return `${fieldTypeKey(ctx, side, t.element)}[${t.length}]`;
  }
}

export function apiTypeKey(ctx: DiffContext, side: Side, t: ApiType): string {
  switch (t.kind) {
    case 'int':
      return t.int.name;
    case 'dictionary':
    case 'record':
      return `${t.kind} ${named(ctx, side, t.def.name)}`;
    case 'interface':
      return `interface ${t.name}`;
    case 'array':
      return `${apiTypeKey(ctx, side, t.element)}[]`;
    default:
      return t.kind;
  }
}

/** The IDL spelling of a hostcall parameter's type (`i32`, `epoll_op`, `out_bytes`). */
export function paramTypeName(p: HostcallParam): string {
  switch (p.kind) {
    case 'int':
      return p.int.name;
    case 'enum':
      return p.enumDef!.name;
    case 'flags':
      return p.flagsDef!.name;
    default:
      return p.kind;
  }
}

/** A hostcall parameter's type, keyed like `fieldTypeKey`. */
export function paramTypeKey(ctx: DiffContext, side: Side, p: HostcallParam): string {
  switch (p.kind) {
    case 'int':
      return p.int.name;
    case 'enum':
      return `enum ${named(ctx, side, p.enumDef!.name)}`;
    case 'flags':
      return `flags ${named(ctx, side, p.flagsDef!.name)}`;
    default:
      return p.kind;
  }
}

/** How two integer types differ: `width 32 -> 64 bits`, `signedness signed -> unsigned`. */
export function intDifference(a: IntInfo, b: IntInfo): string {
  const parts: string[] = [];
  if (a.bytes !== b.bytes) parts.push(`width ${a.bytes * 8} -> ${b.bytes * 8} bits`);
  if (a.signed !== b.signed) parts.push(`${a.signed ? 'signed' : 'unsigned'} -> ${b.signed ? 'signed' : 'unsigned'}`);
  return parts.join(', ');
}

/** `i32 -> u32 (signed -> unsigned)`, or just `a -> b` when they are not both integers. */
export function describeTypeChange(aName: string, bName: string, a?: IntInfo, b?: IntInfo): string {
  const detail = a && b ? intDifference(a, b) : '';
  return `${aName} -> ${bName}${detail ? ` (${detail})` : ''}`;
}

/** An integer as a message shows it: decimal, with hex beside large values. */
export function showInt(v: bigint | number): string {
  const n = BigInt(v);
  return n >= 0x10000n ? `${n} (0x${n.toString(16)})` : String(n);
}
