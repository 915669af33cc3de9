/**
 * Running a guest tool function for the host's tool loop, on the guest's own thread (inside
 * one of its blocking hostcalls), as SPEAR's `call_wasm_tool_with_arena`
 * (runtime/wasm_hostcalls.rs). README.md, "The callback payload":
 *
 * - no arena (`arena_ptr <= 0` or `arena_len <= 0`) or a negative `fn_offset`: -EFAULT;
 * - the arguments go at the arena's start, then a NUL; the output buffer starts at
 *   `arena_ptr + align8(args_len + 1)`, its capacity `cap = min(arena_len - (out_ptr -
 *   arena_ptr) - 8, max_output_bytes)`; the u32 `*out_len_ptr` sits at
 *   `out_ptr + align8(cap)`. `cap == 0`, or a slot that does not fit the arena: -ENOSPC;
 * - the tool is the table entry `fn_offset`, `int32_t f(args_ptr, args_len, out_ptr,
 *   out_len_ptr)`; no table, no function there, another signature, or a trap in it: -EIO;
 * - rc 0: `*out_len_ptr` bytes of output (more than `cap`, or not UTF-8: -EIO);
 * - rc -ENOSPC: `*out_len_ptr` is the size it needs; when that is within `max_output_bytes`
 *   and fits the arena, the tool is called once more with that capacity, else -ENOSPC; a
 *   third attempt is -EIO;
 * - any other rc is the result (the loop reports `tool rc: RC`).
 * A guest memory range outside the memory is -EFAULT.
 */
import { Errno } from '../../generated/ts/errno';
import { WebAssemblyApi, type WasmMemory, type WasmTable } from './wasm-api';

/** What the worker needs of the running guest. */
export interface ToolTarget {
  memory(): WasmMemory;
  /** The exported `__indirect_function_table`, if the guest exports it. */
  table(): WasmTable | undefined;
}

/** The callback payload JSON, parsed. */
export interface CallbackPayload {
  fn_offset: number;
  args: string;
  /** SPEAR's `tool_arena_ptr` and `tool_arena_len` as i32 (0 when unset). */
  arena_ptr: number;
  arena_len: number;
  /** SPEAR's `max_tool_output_bytes` (default 64 KiB, at most 1 MiB). */
  max_output_bytes: number;
}

export interface ToolCallOutcome {
  /** 0 with the output, or the tool's non-zero rc, or the errno that stopped it (negative). */
  rc: number;
  /** The tool's output (UTF-8) when `rc == 0`, else empty. */
  output: string;
  /** Why the host could not run the tool, for a warning on the host's side. */
  problem?: string;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

const isI32 = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= -0x80000000 && v <= 0x7fffffff;

function parsePayload(json: string): CallbackPayload | undefined {
  let p: unknown;
  try {
    p = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (typeof p !== 'object' || p === null) return undefined;
  const o = p as Record<string, unknown>;
  if (!isI32(o.fn_offset) || typeof o.args !== 'string' || !isI32(o.arena_ptr) || !isI32(o.arena_len)) return undefined;
  if (typeof o.max_output_bytes !== 'number' || !Number.isInteger(o.max_output_bytes) || o.max_output_bytes < 0) return undefined;
  return o as unknown as CallbackPayload;
}

const fail = (errno: number, problem?: string): ToolCallOutcome => (problem === undefined ? { rc: -errno, output: '' } : { rc: -errno, output: '', problem });

const align8 = (v: number): number => Math.ceil(v / 8) * 8;

type ToolFn = (a: number, b: number, c: number, d: number) => unknown;

/** Run the tool that `payloadJson` names. */
export function runToolCallback(payloadJson: string, guest: ToolTarget): ToolCallOutcome {
  const p = parsePayload(payloadJson);
  if (p === undefined) return fail(Errno.EIO, `malformed tool callback payload from the host: ${payloadJson.slice(0, 200)}`);
  if (p.arena_ptr <= 0 || p.arena_len <= 0) return fail(Errno.EFAULT, 'the guest registered tools but set no tool arena (tool_arena_ptr, tool_arena_len)');
  if (p.fn_offset < 0) return fail(Errno.EFAULT);

  const args = encoder.encode(p.args);
  const base = p.arena_ptr;
  const end = base + p.arena_len;
  const outPtr = base + align8(args.length + 1);
  let cap = Math.min(Math.max(end - outPtr - 8, 0), p.max_output_bytes);
  const outLenPtr = outPtr + align8(cap);
  if (cap === 0 || outLenPtr + 4 > end) return fail(Errno.ENOSPC);

  const inMemory = (at: number, len: number): boolean => at >= 0 && at + len <= guest.memory().buffer.byteLength;
  if (!inMemory(base, args.length + 1)) return fail(Errno.EFAULT);
  let bytes = new Uint8Array(guest.memory().buffer);
  bytes.set(args, base);
  bytes[base + args.length] = 0;

  for (let attempt = 1; ; attempt++) {
    if (attempt > 2) return fail(Errno.EIO);
    if (!inMemory(outLenPtr, 4)) return fail(Errno.EFAULT);
    new DataView(guest.memory().buffer).setUint32(outLenPtr, cap, true);

    const table = guest.table();
    if (table === undefined) {
      return fail(Errno.EIO, 'the guest exports no function table (__indirect_function_table), so its tools cannot be called: link it with -Wl,--export-table');
    }
    const fn = p.fn_offset < table.length ? table.get(p.fn_offset) : undefined;
    if (typeof fn !== 'function' || fn.length !== 4) {
      return fail(Errno.EIO, `function table entry ${p.fn_offset} is not a tool function (i32, i32, i32, i32) -> i32`);
    }
    let rc: number;
    try {
      const r = (fn as ToolFn)(base, args.length, outPtr, outLenPtr);
      if (typeof r !== 'number') return fail(Errno.EIO, `function table entry ${p.fn_offset} returns no i32`);
      rc = r;
    } catch (e) {
      // A trap in the tool fails this tool call (SPEAR: -EIO); the host's own unwinding passes.
      if (e instanceof WebAssemblyApi.RuntimeError) return fail(Errno.EIO, `the tool function ${p.fn_offset} trapped: ${e.message}`);
      throw e;
    }

    if (!inMemory(outLenPtr, 4)) return fail(Errno.EFAULT);
    const written = new DataView(guest.memory().buffer).getUint32(outLenPtr, true);
    if (rc === 0) {
      if (written > cap) return fail(Errno.EIO);
      if (!inMemory(outPtr, written)) return fail(Errno.EFAULT);
      bytes = new Uint8Array(guest.memory().buffer, outPtr, written);
      try {
        return { rc: 0, output: decoder.decode(bytes) };
      } catch {
        return fail(Errno.EIO);
      }
    }
    if (rc === -Errno.ENOSPC) {
      const maxFit = Math.max(end - outPtr - 8, 0);
      if (written > p.max_output_bytes || written > maxFit) return fail(Errno.ENOSPC);
      cap = written;
      continue;
    }
    return { rc, output: '' };
  }
}
