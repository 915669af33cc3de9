/**
 * Every kind of change, one IDL edit each, classified exactly: severity, category and path
 * in report order, and the exit code when the version is not bumped.
 */
import assert from 'node:assert/strict';
import { CASES } from './cases';
import { diffJson } from './helpers';
import { IDL, variant } from './variant';

describe('hostwire diff: classification', () => {
  for (const c of CASES) {
    it(`${c.name}: ${c.expect.map((e) => e.join(' ')).join('; ')}`, () => {
      const { code, report } = diffJson(IDL, variant(c.edit));
      assert.deepEqual(
        report.changes.map((x) => [x.severity, x.category, x.path]),
        c.expect,
        report.changes.map((x) => `${x.severity} ${x.category} ${x.path} ${x.message}`).join('\n'),
      );
      assert.equal(report.breaking, c.expect.some(([s]) => s === 'breaking'));
      assert.equal(code, c.exitCode);
      assert.equal(report.exitCode, c.exitCode);
    });
  }

  it('names the consequence: a reorder that keeps the wasm signature goes wrong silently', () => {
    const { report } = diffJson(IDL, variant((idl) => {
      const p = idl.item('hostcalls', 'spear_epoll_ctl').params;
      [p[1], p[2]] = [p[2], p[1]];
    }));
    assert.equal(
      report.changes[0].message,
      'parameters reordered (epfd, op, fd, events) -> (epfd, fd, op, events); the wasm signature is unchanged, so guests built against the old ABI still link and go wrong silently',
    );
  });

  it('says a hostcall whose import name alone changed is a renumbering of the same hostcall', () => {
    const { report } = diffJson(IDL, variant((idl) => {
      idl.item('hostcalls', 'spear_epoll_wait').name = 'spear_epoll_wait2';
    }));
    assert.equal(
      report.changes[0].message,
      'import name spear.spear_epoll_wait -> spear.spear_epoll_wait2 (C name sp_epoll_wait kept): guests built against the old ABI import spear_epoll_wait and fail to link',
    );
  });

  it('a layout change with every name kept reports each moved offset', () => {
    const { report } = diffJson(IDL, variant((idl) => {
      const r = idl.item('records', 'epoll_event');
      r.fields.reverse();
      r.vectors = [];
    }));
    assert.deepEqual(
      report.changes.map((x) => x.message),
      [
        'offset 4 -> 0: guests and peers built against the old ABI read and write it at 4',
        'offset 0 -> 4: guests and peers built against the old ABI read and write it at 0',
      ],
    );
  });

  it('pairs enum values by name first: a name reused for another number is a renumbering of that name', () => {
    // DEL's number 3 moves to a new name REMOVE, and DEL comes back as 9: code recompiled
    // against the new header sends 9 for DEL, and the alias that named DEL now names REMOVE.
    const { report } = diffJson(IDL, variant((idl) => {
      idl.member('enums', 'epoll_op', 'values', 'DEL').name = 'REMOVE';
      idl.item('enums', 'epoll_op').values.push({ name: 'DEL', value: 9, doc: 'A new value that reuses the old name.' });
      idl.item('enums', 'epoll_op').aliases.find((a: { of: string }) => a.of === 'DEL').of = 'REMOVE';
    }));
    assert.deepEqual(
      report.changes.map((x) => [x.severity, x.category, x.path]),
      [
        ['breaking', 'renumbering', 'enums/epoll_op/values/DEL'],
        ['dangerous', 'addition', 'enums/epoll_op/values/REMOVE'],
        ['source-only', 'renumbering', 'enums/epoll_op/aliases/SPEAR_EP_CTL_DEL'],
        ['safe', 'doc-change', 'enums/epoll_op/values/DEL/doc'],
      ],
    );
  });
});
