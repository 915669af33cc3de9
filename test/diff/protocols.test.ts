/**
 * `hostwire diff` and version domains: every change belongs to the ABI or to the protocol of
 * its item, and each domain's breaking changes need that domain's major version raised (a
 * protocol's, not the ABI's; the ABI's, not a protocol's).
 */
import assert from 'node:assert/strict';
import { buildModel } from '../../codegen/frontend';
import { columns, diffJson, runDiff } from './helpers';
import { all, baseProtocolVersion, baseVersion, bumpMajor, bumpMinor, IDL, type IdlEdit, protocolVersion, type Section, variant } from './variant';

const V = baseVersion();
const T = baseProtocolVersion('transfer');
const T_MAJOR = `${T.major + 1}.0.0`;
const T_MINOR = `${T.major}.${T.minor + 1}.0`;

/** A breaking change to a record of the transfer protocol: a field's width. */
const widenRegionId = (idl: IdlEdit): void => {
  const r = idl.item('records', 'memory_descriptor');
  r.fields.find((f: { name: string }) => f.name === 'region_id').type = 'u64';
  r.vectors = [];
};
const bumpTransferMajor = protocolVersion('transfer', T_MAJOR);
const removeEpollWait = (idl: IdlEdit): void => idl.remove('hostcalls', 'spear_epoll_wait');
const addFrameType = (idl: IdlEdit): void => {
  const values = idl.item('enums', 'frame_type').values as Array<{ value: number }>;
  values.push({ name: 'PING', value: Math.max(...values.map((v) => v.value)) + 1, doc: 'A probe.' } as { value: number });
};

/** Every item of the transfer protocol in the checked-in IDL, as [section, name]. */
const transferItems = (() => {
  const m = buildModel(IDL);
  const out: Array<[Section, string]> = [];
  for (const [section, items] of [['enums', m.enums], ['constants', m.constants], ['records', m.records], ['dictionaries', m.dictionaries], ['interfaces', m.interfaces]] as const) {
    for (const it of items as ReadonlyArray<{ name: string; protocol?: string }>) if (it.protocol === 'transfer') out.push([section, it.name]);
  }
  return out;
})();

const domain = (report: { domains: Array<{ name: string }> }, name: string) => report.domains.find((d) => d.name === name);

describe('hostwire diff: protocols as version domains', () => {
  it('a breaking change to a protocol record with its major raised passes, and abi.version need not move', () => {
    const { code, report } = diffJson(IDL, variant(all(widenRegionId, bumpTransferMajor)));
    assert.equal(code, 0);
    assert.deepEqual(
      report.changes.map((c) => [c.severity, c.category, c.path, c.domain]),
      [
        ['breaking', 'layout-change', 'records/memory_descriptor', 'transfer'],
        ['breaking', 'type-change', 'records/memory_descriptor/fields/region_id', 'transfer'],
        ['breaking', 'layout-change', 'records/memory_descriptor/fields/rkey', 'transfer'],
      ],
    );
    assert.deepEqual(report.domains, [
      { name: 'spear', kind: 'abi', old: V.text, new: V.text, breaking: false, majorBumped: false },
      { name: 'transfer', kind: 'protocol', old: T.text, new: T_MAJOR, breaking: true, majorBumped: true },
    ]);
    assert.deepEqual([report.breaking, report.majorBumped, report.exitCode], [true, false, 0]);
    assert.deepEqual(report.warnings, []);
  });

  it('the human report has a line per domain', () => {
    const r = runDiff([IDL, variant(all(widenRegionId, bumpTransferMajor))]);
    assert.equal(r.code, 0);
    assert.equal(
      r.stdout[0],
      `spear ${V.text} -> spear ${V.text}: 3 changes (3 breaking, 0 dangerous, 0 source-only, 0 safe); breaking, and each domain with a breaking change raised its major version (transfer ${T.text} -> ${T_MAJOR})`,
    );
    assert.equal(r.stdout[1], `transfer ${T.text} -> ${T_MAJOR}: 3 changes (3 breaking, 0 dangerous, 0 source-only, 0 safe); breaking, and the major version was bumped (${T.text} -> ${T_MAJOR})`);
    assert.deepEqual(columns(r.stdout[2]).slice(0, 3), ['breaking', 'layout-change', 'records/memory_descriptor']);
    assert.equal(r.stdout.length, 5);
    assert.deepEqual(r.stderr, []);
  });

  it('the same change without the protocol bump fails, naming the domain', () => {
    const r = runDiff([IDL, variant(widenRegionId)]);
    assert.equal(r.code, 1);
    assert.ok(r.stdout[0].endsWith(`; breaking without a major version bump: transfer expected ${T_MAJOR} or later`), r.stdout[0]);
    assert.equal(r.stdout[1], `transfer ${T.text} -> ${T.text}: 3 changes (3 breaking, 0 dangerous, 0 source-only, 0 safe); breaking without a major version bump: expected ${T_MAJOR} or later`);
    const { report } = diffJson(IDL, variant(widenRegionId));
    assert.deepEqual(domain(report, 'transfer'), { name: 'transfer', kind: 'protocol', old: T.text, new: T.text, breaking: true, majorBumped: false });
    assert.equal(report.exitCode, 1);
  });

  it('raising the ABI major does not excuse a breaking protocol change', () => {
    const { code, report } = diffJson(IDL, variant(all(widenRegionId, bumpMajor)));
    assert.equal(code, 1);
    assert.deepEqual(
      report.domains.map((d) => [d.name, d.breaking, d.majorBumped]),
      [
        ['spear', false, true],
        ['transfer', true, false],
      ],
    );
  });

  it('a breaking guest change with only a protocol bump fails, naming the ABI', () => {
    const r = runDiff([IDL, variant(all(removeEpollWait, bumpTransferMajor))]);
    assert.equal(r.code, 1);
    assert.ok(r.stdout[0].endsWith(`; breaking without a major version bump: expected ${V.major + 1}.0.0 or later`), r.stdout[0]);
    const { report } = diffJson(IDL, variant(all(removeEpollWait, bumpTransferMajor)));
    assert.deepEqual(
      report.domains.map((d) => [d.name, d.breaking, d.majorBumped]),
      [
        ['spear', true, false],
        ['transfer', false, true],
      ],
    );
    assert.deepEqual(report.changes.map((c) => c.domain), ['spear']);
  });

  it('breaking changes in both domains pass only with both majors raised', () => {
    const both = all(removeEpollWait, widenRegionId);
    assert.equal(diffJson(IDL, variant(all(both, bumpMajor, bumpTransferMajor))).code, 0);
    assert.equal(diffJson(IDL, variant(all(both, bumpMajor))).code, 1);
    assert.equal(diffJson(IDL, variant(all(both, bumpTransferMajor))).code, 1);
    const r = runDiff([IDL, variant(both)]);
    assert.ok(r.stdout[0].endsWith(`; breaking without a major version bump: spear expected ${V.major + 1}.0.0 or later; transfer expected ${T_MAJOR} or later`), r.stdout[0]);
  });

  it('nested and removed items belong to their item: a method, an enum value, a whole record', () => {
    const { report } = diffJson(IDL, variant((idl) => {
      const m = idl.item('interfaces', 'Transfer').methods as Array<{ name: string }>;
      m.splice(m.findIndex((x) => x.name === 'is_complete'), 1);
      idl.remove('records', 'hello');
      addFrameType(idl);
    }));
    assert.deepEqual(
      report.changes.map((c) => [c.path, c.domain]),
      [
        ['interfaces/Transfer/methods/is_complete', 'transfer'],
        ['records/hello', 'transfer'],
        ['enums/frame_type/values/PING', 'transfer'],
      ],
    );
    assert.equal(report.exitCode, 1);
    assert.equal(report.domains[0].breaking, false);
  });

  it('a non-breaking protocol change asks for a minor bump of the protocol, not of the ABI', () => {
    const r = runDiff([IDL, variant(addFrameType)]);
    assert.equal(r.code, 0);
    assert.deepEqual(r.stderr, [`hostwire diff: warning: protocol transfer: 1 non-breaking change without a minor version bump: expected ${T_MINOR} (is ${T.text})`]);
    assert.deepEqual(runDiff([IDL, variant(all(addFrameType, protocolVersion('transfer', T_MINOR)))]).stderr, []);
    // An ABI bump does not answer for it.
    assert.equal(runDiff([IDL, variant(all(addFrameType, bumpMinor))]).stderr.length, 1);
  });

  it('warns when a protocol version goes backwards', () => {
    const { report } = diffJson(variant(protocolVersion('transfer', T_MINOR)), IDL);
    assert.deepEqual(report.warnings, [`protocol transfer: the version went backwards: ${T_MINOR} -> ${T.text}`]);
    assert.equal(report.exitCode, 0);
  });

  it('an item leaving a protocol is safe and belongs to the ABI from then on', () => {
    const r = runDiff([IDL, variant((idl) => delete idl.item('enums', 'mem_kind').protocol)]);
    assert.equal(r.code, 0);
    assert.deepEqual(columns(r.stdout[1]), ['safe', 'removal', 'enums/mem_kind/protocol', "left protocol transfer: versioned by the ABI's version from now on"]);
    assert.deepEqual(r.stderr, [`hostwire diff: warning: 1 non-breaking change without a minor version bump: expected ${V.major}.${V.minor + 1}.0 (is ${V.text})`]);
  });

  it('adding a protocol, and an item joining it, are safe; the protocol list belongs to the ABI', () => {
    const { code, report } = diffJson(IDL, variant(all(bumpMinor, (idl) => {
      idl.addProtocol('transfer', { name: 'handshake', version: '1.0.0', doc: 'How peers meet.' });
      idl.item('constants', 'CONN_INFO_MAX_CHANNELS').protocol = 'handshake';
    })));
    assert.equal(code, 0);
    assert.deepEqual(
      report.changes.map((c) => [c.severity, c.category, c.path, c.domain]),
      [
        ['safe', 'addition', 'constants/CONN_INFO_MAX_CHANNELS/protocol', 'handshake'],
        ['safe', 'addition', 'protocols/handshake', 'spear'],
      ],
    );
    assert.equal(report.changes[0].message, "moved from protocol transfer to protocol handshake: versioned by handshake's version from now on");
    assert.deepEqual(domain(report, 'handshake'), { name: 'handshake', kind: 'protocol', old: null, new: '1.0.0', breaking: false, majorBumped: false });
    assert.deepEqual(report.warnings, []);
  });

  it('a breaking change to an item moving into a new protocol needs the ABI major: the new protocol has no version to raise', () => {
    // The one-sided request's record, which no API type uses: it may leave for a protocol of its own.
    const move = (idl: IdlEdit): void => {
      idl.addProtocol('transfer', { name: 'memory', version: '1.0.0', doc: 'Registered memory as peers see it.' });
      const r = idl.item('records', 'remote_access');
      r.protocol = 'memory';
      r.fields.find((f: { name: string }) => f.name === 'region_id').type = 'u64';
      r.vectors = [];
    };
    const r = runDiff([IDL, variant(move)]);
    assert.equal(r.code, 1);
    assert.ok(r.stdout.includes(`memory (new) -> 1.0.0: 6 changes (5 breaking, 0 dangerous, 0 source-only, 1 safe); breaking without a major version bump: protocol memory is new, so its breaking changes need the ABI's major version raised: expected ${V.major + 1}.0.0 or later`), r.stdout.join('\n'));
    assert.equal(diffJson(IDL, variant(all(move, bumpMajor))).code, 0);
  });

  it('removing a protocol is source-only: its version leaves the bindings', () => {
    const { report } = diffJson(IDL, variant(all(bumpMinor, (idl) => {
      for (const [s, n] of transferItems) delete idl.item(s, n).protocol;
      idl.removeProtocol('transfer');
    })));
    assert.equal(report.exitCode, 0);
    const removal = report.changes.find((c) => c.path === 'protocols/transfer')!;
    assert.deepEqual([removal.severity, removal.category, removal.domain], ['source-only', 'removal', 'spear']);
    assert.equal(report.changes.filter((c) => c.path.endsWith('/protocol')).length, transferItems.length);
    assert.deepEqual(domain(report, 'transfer'), { name: 'transfer', kind: 'protocol', old: T.text, new: null, breaking: false, majorBumped: false });
  });
});
