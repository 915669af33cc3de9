/** How a guest's end is told: traps, stops, host failures, and their exit codes. */
import { WebAssemblyApi } from './wasm-api';

/** A guest that trapped exits like a C program that called `abort()` (128 + SIGABRT). */
export const EXIT_TRAP = 134;
/** A guest the host stopped (128 + SIGKILL). */
export const EXIT_KILLED = 137;
/** The host failed while running the guest (BSD EX_SOFTWARE). */
export const EXIT_HOST_ERROR = 70;

/** Whether `e`, thrown out of the guest, is a trap: a wasm RuntimeError or a stack overflow. */
export function isTrap(e: unknown): e is Error {
  if (e instanceof WebAssemblyApi.RuntimeError) return true;
  return e instanceof RangeError && /call stack size exceeded/i.test(e.message);
}

/**
 * `RuntimeError: unreachable` followed by the wasm frames of its stack, one per line (a run
 * of identical frames, as a stack overflow leaves, is shown once with its count).
 */
export function describeTrap(e: Error): string {
  const frames = (e.stack ?? '')
    .split('\n')
    .slice(1)
    .map((l) => l.trim())
    .filter((l) => l.includes('wasm://') || l.includes('wasm-function'));
  const lines: string[] = [`${e.name}: ${e.message}`];
  for (let i = 0; i < frames.length; ) {
    let j = i + 1;
    while (j < frames.length && frames[j] === frames[i]) j++;
    lines.push(`    ${frames[i]}${j - i > 1 ? ` (x${j - i})` : ''}`);
    i = j;
  }
  return lines.join('\n');
}

/** The line a host prints for a trap (the first line of the message is `guest trapped: ...`). */
export function trapMessage(trap: string): string {
  return `guest trapped: ${trap}`;
}
