/** The errno audit (runtime/guest/audit.ts): what it counts and what it reports, exactly. */
import * as assert from 'node:assert/strict';
import { createSpearImports, enosysHost, type SpearImports } from '../../generated/ts/hostcalls';
import { auditImports } from '../../runtime/guest/audit';
import { GuestAborted } from '../../runtime/guest/hostcalls';

describe('guest host: errno audit', () => {
  const memory = { buffer: new ArrayBuffer(65536) };

  it('passes documented errnos and valid results; reports each undocumented one once, with its count and first arguments', () => {
    let fd = 999;
    const impl = {
      ...enosysHost(),
      cchat_create: () => fd++,
      cchat_close: (f: number) => (f === 1 ? 3 : -9),
      spear_epoll_ctl: () => -22,
      time_now_ms: () => -38n,
      random_i64: () => -(2n ** 60n),
      mic_create: () => -24,
    };
    const { imports, report } = auditImports(createSpearImports(() => memory, impl));
    imports.cchat_create(); // fd 999: below 1000
    imports.cchat_create(); // 1000
    imports.cchat_close(5); // -EBADF: documented
    imports.cchat_close(1); // 3: not a status
    imports.spear_epoll_ctl(1000, 9, 1001, 1); // -EINVAL: documented
    imports.cchat_recv(1000, 0, 4); // ENOSYS: not documented
    imports.cchat_recv(1001, 0, 4);
    imports.cchat_recv(1000, 65535, 65534); // -EFAULT from the glue: documented
    imports.time_now_ms();
    imports.random_i64();
    imports.mic_create(); // -EMFILE: documented
    assert.deepEqual(report(), {
      calls: { cchat_create: 2, cchat_close: 2, spear_epoll_ctl: 1, cchat_recv: 3, time_now_ms: 1, random_i64: 1, mic_create: 1 },
      outcomes: {
        cchat_create: { ok: 2 },
        cchat_close: { EBADF: 1, ok: 1 },
        spear_epoll_ctl: { EINVAL: 1 },
        cchat_recv: { ENOSYS: 2, EFAULT: 1 },
        time_now_ms: { ok: 1 },
        random_i64: { ok: 1 },
        mic_create: { EMFILE: 1 },
      },
      total: 11,
      violations: [
        { call: 'cchat_create', problem: 'returned fd 999, below 1000', count: 1, args: [] },
        { call: 'cchat_close', problem: 'returned 3 where a status is 0 or a negative errno', count: 1, args: ['1'] },
        { call: 'cchat_recv', problem: 'returned -38 (ENOSYS), not documented', count: 2, args: ['1000', '0', '4'] },
        { call: 'time_now_ms', problem: 'returned -38n, an errno in band where the IDL documents none', count: 1, args: [] },
      ],
    });
  });

  it('a call that throws is reported and rethrown; GuestAborted is not a violation', () => {
    const impl = {
      ...enosysHost(),
      cchat_create: (): number => {
        throw new TypeError('boom');
      },
      cchat_close: (): number => {
        throw new GuestAborted();
      },
    };
    const audited: { imports: SpearImports; report: () => unknown } = auditImports(createSpearImports(() => memory, impl));
    assert.throws(() => audited.imports.cchat_create(), TypeError);
    assert.throws(() => audited.imports.cchat_close(1000), GuestAborted);
    assert.deepEqual((audited.report() as { violations: unknown[] }).violations, [{ call: 'cchat_create', problem: 'threw TypeError: boom', count: 1, args: [] }]);
  });
});
