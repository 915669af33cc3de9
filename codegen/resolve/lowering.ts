/**
 * The one lowering of IDL hostcall parameters and results to wasm values. The C header, the
 * TypeScript glue, the N-API glue and the conformance tests all read `lowered`, never
 * re-deriving it.
 *
 *   fd, fn_index              -> (name: i32)
 *   integer, enum, flags      -> (name: i32 | i64 by width)
 *   in_bytes, in_string       -> (name_ptr: i32, name_len: i32)
 *   out_bytes, ctl_arg        -> (name_ptr: i32, name_len_ptr: i32)   the output-buffer rule
 */
import type { HostcallParam, HostcallReturn, IntInfo, LoweredValue } from '../model';
import { INTS } from './ints';

function value(name: string, int: IntInfo): LoweredValue {
  return { name, wasm: int.wasm, c: int.wasm === 'i64' ? 'int64_t' : 'int32_t', role: 'value' };
}

export function lowerParam(p: Pick<HostcallParam, 'name' | 'kind' | 'int'>): LoweredValue[] {
  switch (p.kind) {
    case 'fd':
    case 'fn_index':
      return [value(p.name, INTS.i32)];
    case 'int':
    case 'enum':
    case 'flags':
      return [value(p.name, p.int)];
    case 'in_bytes':
    case 'in_string':
      return [
        { name: `${p.name}_ptr`, wasm: 'i32', c: 'int32_t', role: 'ptr' },
        { name: `${p.name}_len`, wasm: 'i32', c: 'int32_t', role: 'len' },
      ];
    case 'out_bytes':
    case 'ctl_arg':
      return [
        { name: `${p.name}_ptr`, wasm: 'i32', c: 'int32_t', role: 'ptr' },
        { name: `${p.name}_len_ptr`, wasm: 'i32', c: 'int32_t', role: 'len_ptr' },
      ];
  }
}

export function lowerResult(r: HostcallReturn): 'i32' | 'i64' | null {
  return r.kind === 'none' ? null : (r.int ?? INTS.i32).wasm;
}
