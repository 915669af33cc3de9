/**
 * Running a guest tool function for the host's tool loop, on the guest's own thread (inside
 * one of its blocking hostcalls). README.md, "The callback payload":
 *
 * The arguments are written at the start of the tool arena (followed by a NUL when there is
 * room), then a u32 holding the output capacity at the next 4-byte boundary, then the output
 * buffer: the rest of the arena. The tool is the table entry `fn_offset`,
 * `int32_t f(args_ptr, args_len, out_ptr, out_len_ptr)`, and follows the output-buffer rule.
 * A trap in the tool propagates: it ends the guest.
 */
import { Errno } from '../../generated/ts/errno';
import type { WasmMemory, WasmTable } from './wasm-api';

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
  arena_ptr?: number;
  arena_len?: number;
  max_output_bytes?: number;
}

export interface ToolCallOutcome {
  /** The tool's return code, or the errno that stopped it from running (negative). */
  rc: number;
  /** The tool's output (UTF-8) when `rc >= 0`, else empty. */
  output: string;
  /** Why the host could not run the tool, for a warning on the host's side. */
  problem?: string;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8');

const isU32 = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0xffffffff;

function parsePayload(json: string): CallbackPayload | undefined {
  let p: unknown;
  try {
    p = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (typeof p !== 'object' || p === null) return undefined;
  const o = p as Record<string, unknown>;
  if (!isU32(o.fn_offset) || typeof o.args !== 'string') return undefined;
  return o as unknown as CallbackPayload;
}

const fail = (errno: number, problem?: string): ToolCallOutcome => (problem === undefined ? { rc: -errno, output: '' } : { rc: -errno, output: '', problem });

/** Run the tool that `payloadJson` names. */
export function runToolCallback(payloadJson: string, guest: ToolTarget): ToolCallOutcome {
  const p = parsePayload(payloadJson);
  if (p === undefined) return fail(Errno.EINVAL, `malformed tool callback payload from the native core: ${payloadJson.slice(0, 200)}`);
  const table = guest.table();
  if (table === undefined) {
    return fail(Errno.EINVAL, 'the guest exports no function table (__indirect_function_table), so its tools cannot be called: link it with -Wl,--export-table');
  }
  const fn = p.fn_offset < table.length ? table.get(p.fn_offset) : undefined;
  if (typeof fn !== 'function' || fn.length !== 4) {
    return fail(Errno.EINVAL, `function table entry ${p.fn_offset} is not a tool function (i32, i32, i32, i32) -> i32`);
  }
  if (!isU32(p.arena_ptr) || !isU32(p.arena_len) || p.arena_len === 0) {
    return fail(Errno.EINVAL, 'the guest registered tools but set no tool arena (tool_arena_ptr, tool_arena_len)');
  }
  const start = p.arena_ptr;
  const end = start + p.arena_len;
  let memory = guest.memory().buffer;
  if (end > memory.byteLength) return fail(Errno.EFAULT);

  const args = encoder.encode(p.args);
  const outLenAt = (start + args.length + 1 + 3) & ~3;
  const outAt = outLenAt + 4;
  if (outAt > end) return fail(Errno.ENOSPC);
  const capacity = end - outAt;
  const bytes = new Uint8Array(memory);
  bytes.set(args, start);
  bytes[start + args.length] = 0;
  new DataView(memory).setUint32(outLenAt, capacity, true);

  const rc = (fn as (a: number, b: number, c: number, d: number) => number)(start, args.length, outAt, outLenAt);
  if (rc < 0) return { rc, output: '' };
  memory = guest.memory().buffer; // the tool may have grown the memory
  const length = new DataView(memory).getUint32(outLenAt, true);
  if (length > capacity) return fail(Errno.ENOSPC);
  return { rc, output: decoder.decode(new Uint8Array(memory, outAt, length)) };
}
