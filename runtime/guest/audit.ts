/**
 * An errno audit of a running guest: every `spear` import is checked as the guest sees it
 * (after the glue's bounds checks and output-buffer rule) against what the IDL documents in
 * `HOSTCALLS`: a negative result must be one of the call's `errors`, an `fd` result is at
 * least 1000 (fds start there and are never reused), a `status` result is 0, an i64 value
 * is not an errno in band, and no call throws. Used by the fuzz tests; cheap enough to turn
 * on for any guest (`GuestOptions.auditErrnos`).
 */
import { errnoName } from '../../generated/ts/errno';
import { HOSTCALLS, type HostcallName, type SpearImports } from '../../generated/ts/hostcalls';
import { GuestAborted } from './hostcalls';

/** The first fd number an instance gives out (SPEAR-ABI.md, "fd table"). */
export const FIRST_FD = 1000;

export interface ErrnoViolation {
  call: HostcallName;
  /** What was wrong: `returned -38 (ENOSYS), not documented` and the like. */
  problem: string;
  /** How many calls had this problem. */
  count: number;
  /** The wasm arguments of the first such call. */
  args: string[];
}

export interface ErrnoAudit {
  /** Calls per hostcall (only those the guest made). */
  calls: Partial<Record<HostcallName, number>>;
  /** Per hostcall, how its calls ended: `ok` (a result >= 0, or none), `threw`, or the errno's name (`EBADF`, `E65536`). */
  outcomes: Partial<Record<HostcallName, Record<string, number>>>;
  total: number;
  /** Each distinct (call, problem), in the order first seen. */
  violations: ErrnoViolation[];
}

function describe(r: number): string {
  const name = errnoName(r);
  return `${r}${name ? ` (${name})` : ''}`;
}

/** `imports` wrapped in the checker, and the report so far. */
export function auditImports(imports: SpearImports): { imports: SpearImports; report(): ErrnoAudit } {
  const calls: Partial<Record<HostcallName, number>> = {};
  const outcomes: Partial<Record<HostcallName, Record<string, number>>> = {};
  const tally = (call: HostcallName, outcome: string): void => {
    const o = (outcomes[call] ??= {});
    o[outcome] = (o[outcome] ?? 0) + 1;
  };
  const seen = new Map<string, ErrnoViolation>();
  let total = 0;

  const record = (call: HostcallName, problem: string, args: unknown[]): void => {
    const key = `${call}\0${problem}`;
    const v = seen.get(key);
    if (v) v.count++;
    else seen.set(key, { call, problem, count: 1, args: args.map((a) => String(a)) });
  };

  const check = (call: HostcallName, r: unknown, args: unknown[]): void => {
    const info = HOSTCALLS[call];
    if (info.returns === 'none') return;
    if (typeof r === 'bigint') {
      if (r < 0n && r >= -4095n) record(call, `returned ${r}n, an errno in band where the IDL documents none`, args);
      return;
    }
    if (typeof r !== 'number' || !Number.isInteger(r)) {
      record(call, `returned ${String(r)}, not an integer`, args);
      return;
    }
    if (r < 0) {
      if (!(info.errors as readonly number[]).includes(-r)) record(call, `returned ${describe(r)}, not documented`, args);
      return;
    }
    if (info.returns === 'status' && r !== 0) record(call, `returned ${r} where a status is 0 or a negative errno`, args);
    if (info.returns === 'fd' && r < FIRST_FD) record(call, `returned fd ${r}, below ${FIRST_FD}`, args);
  };

  const wrapped: Record<string, (...args: unknown[]) => unknown> = {};
  for (const [name, fn] of Object.entries(imports) as [HostcallName, (...args: unknown[]) => unknown][]) {
    wrapped[name] = (...args: unknown[]): unknown => {
      total++;
      calls[name] = (calls[name] ?? 0) + 1;
      let r: unknown;
      try {
        r = fn(...args);
      } catch (e) {
        tally(name, 'threw');
        if (!(e instanceof GuestAborted)) record(name, `threw ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`, args);
        throw e;
      }
      tally(name, typeof r === 'number' && r < 0 ? (errnoName(r) ?? `E${-r}`) : 'ok');
      check(name, r, args);
      return r;
    };
  }
  return {
    imports: wrapped as unknown as SpearImports,
    report: () => ({
      calls: { ...calls },
      outcomes: Object.fromEntries(Object.entries(outcomes).map(([k, v]) => [k, { ...v }])),
      total,
      violations: [...seen.values()].map((v) => ({ ...v })),
    }),
  };
}
