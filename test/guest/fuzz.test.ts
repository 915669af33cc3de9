/**
 * Fuzzing the hostcalls: a C guest with a seeded PRNG calls every hostcall with random
 * arguments, at least 100,000 calls in all, and the host audits every result against the
 * errnos the IDL documents for that call (`HOSTCALLS[name].errors`). The host must survive
 * (the guest exits 0, nothing throws) and every errno must be documented; a violation is
 * listed exactly — a finding for the native core or the IDL.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { HOSTCALLS, type HostcallName } from '../../generated/ts/hostcalls';
import { runGuest, type ErrnoViolation } from '../../runtime';
import { buildGuest, EXPORT_TABLE, tmpDir } from './helpers';

const SEEDS = [1, 20260101];
/**
 * Calls that succeed only with a user-stream client's frames (there is none here): their
 * successes are shown by test/streams/bridge.test.ts and test/guest/user-stream-calls.test.ts.
 */
const NEED_A_CLIENT: readonly HostcallName[] = ['user_stream_read', 'user_stream_write', 'user_stream_ctl_read'];
const CALLS = 60_000;

/** One line per violation: `cchat_recv: returned -38 (ENOSYS), not documented (12x; first with (1000, 0, 4))`. */
function showViolations(v: ErrnoViolation[]): string[] {
  return v.map((x) => `${x.call}: ${x.problem} (${x.count}x; first with (${x.args.join(', ')}))`);
}

describe('guest host: hostcall fuzzing with an errno audit', () => {
  let dir: string;
  let guest: string;
  before(() => {
    dir = tmpDir('fuzz');
    guest = buildGuest('fuzz', dir, EXPORT_TABLE);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  let total = 0;
  let toolRuns = 0;
  const calls: Partial<Record<HostcallName, number>> = {};
  const outcomes: Partial<Record<HostcallName, Set<string>>> = {};

  for (const seed of SEEDS) {
    it(`seed ${seed}: ${CALLS} random calls; the host survives and returns only documented errnos`, async () => {
      let logs = 0;
      const r = await runGuest(guest, { args: [String(seed), String(CALLS)], auditErrnos: true, onLog: () => logs++, onWarning: () => undefined });
      const audit = r.audit!;
      assert.deepEqual(showViolations(audit.violations), []);
      assert.equal(r.trap, undefined, `the guest trapped: ${r.trap}`);
      assert.equal(r.error, undefined, `the host failed: ${r.error}`);
      const m = new RegExp(`^seed=${seed} calls>=${CALLS} tool_runs=(\\d+)\\n$`).exec(r.stdout);
      assert.ok(m, r.stdout);
      toolRuns += Number(m[1]);
      assert.equal(r.exitCode, 0);
      assert.ok(audit.total >= CALLS, `${audit.total} calls`);
      total += audit.total;
      for (const [name, n] of Object.entries(audit.calls)) calls[name as HostcallName] = (calls[name as HostcallName] ?? 0) + n;
      for (const [name, o] of Object.entries(audit.outcomes)) {
        const set = (outcomes[name as HostcallName] ??= new Set());
        for (const k of Object.keys(o)) set.add(k);
      }
    });
  }

  it('made at least 100,000 calls in all, every hostcall at least 100 times', () => {
    assert.ok(total >= 100_000, `${total} calls`);
    const few = (Object.keys(HOSTCALLS) as HostcallName[]).filter((n) => (calls[n] ?? 0) < 100);
    assert.deepEqual(few, [], `called fewer than 100 times: ${few.map((n) => `${n} (${calls[n] ?? 0})`).join(', ')}`);
  });

  it('reached both sides of every call: each implemented one succeeded, each that can fail failed, tools ran', () => {
    const names = Object.keys(HOSTCALLS) as HostcallName[];
    const neverOk = names.filter((n) => HOSTCALLS[n].implemented && !NEED_A_CLIENT.includes(n) && !outcomes[n]?.has('ok'));
    const neverFailed = names.filter((n) => HOSTCALLS[n].params.length > 0 && HOSTCALLS[n].errors.length > 0 && ![...(outcomes[n] ?? [])].some((o) => o !== 'ok'));
    assert.deepEqual({ neverOk, neverFailed }, { neverOk: [], neverFailed: [] });
    assert.ok(toolRuns > 0, 'the guest tool never ran');
  });
});
