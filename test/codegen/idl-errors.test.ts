/**
 * A broken IDL exits 2 and prints one message per problem, each naming the file, the line,
 * the JSON pointer inside the file and what was expected. Nothing is written.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildModel } from '../../codegen/frontend';
import { editedIdl, hostwire } from './cli-helpers';

function generateIn(dir: string) {
  const r = hostwire(['generate', '--idl', 'idl', '--out', 'out'], dir);
  return { ...r, lines: r.stderr.trim().split('\n') };
}

function assertBroken(dir: string, expected: RegExp[], problems = expected.length) {
  const r = generateIn(dir);
  assert.equal(r.status, 2, `exit code (stderr: ${r.stderr})`);
  assert.equal(fs.existsSync(path.join(dir, 'out')), false, 'nothing is written');
  // One line per problem, then the summary.
  assert.equal(r.lines.length, problems + 1, r.stderr);
  assert.match(r.lines[r.lines.length - 1], new RegExp(`${problems} problems? in the IDL; nothing written`));
  for (const re of expected) assert.ok(r.lines.some((l) => re.test(l)), `no line matches ${re}:\n${r.stderr}`);
}

describe('hostwire generate: a broken IDL', () => {
  it('reports an unknown top-level key with file, line, path and the keys expected', () => {
    const dir = editedIdl({ 'util.yaml': [[/^enums:/m, 'bogus: 1\nenums:']] });
    assertBroken(dir, [/^idl\/util\.yaml:2: \/bogus: unknown key 'bogus' \(expected one of: abi, errno, protocols, constants, enums, flags, records, hostcalls, dictionaries, interfaces\)$/]);
  });

  it('reports a YAML syntax error with file and line', () => {
    const dir = editedIdl({ 'epoll.yaml': [['  - name: spear_epoll_close\n', '  - name: spear_epoll_close\n   bad: [unclosed\n']] });
    const r = generateIn(dir);
    assert.equal(r.status, 2);
    assert.match(r.lines[0], /^idl\/epoll\.yaml:\d+: \/: YAML syntax error: /);
    const line = Number(/^idl\/epoll\.yaml:(\d+):/.exec(r.lines[0])![1]);
    const text = fs.readFileSync(path.join(dir, 'idl', 'epoll.yaml'), 'utf8').split('\n');
    const bad = text.findIndex((l) => l.includes('bad: [unclosed')) + 1;
    assert.ok(line >= bad - 1 && line <= bad + 1, `line ${line} should point at the broken line ${bad}`);
  });

  it('refuses json, a result-only type, as a parameter or dictionary field type', () => {
    const dir = editedIdl({
      'transfer.yaml': [
        ['- { name: name, type: string, doc: The peer\'s name. }\n        returns: Transfer', '- { name: name, type: json, doc: The peer\'s name. }\n        returns: Transfer'],
        ['- { name: tag, type: u64, doc: The tag that matches send and receive. }', '- { name: tag, type: json, doc: The tag that matches send and receive. }'],
      ],
    });
    assertBroken(dir, [
      /^idl\/transfer\.yaml:\d+: \/dictionaries\/\d+\/fields\/3\/type: unknown type 'json'; expected one of: bool, string, bytes, memory, abort_signal, i8, .*, or a dictionary, interface or record name$/,
      /^idl\/transfer\.yaml:\d+: \/interfaces\/0\/methods\/\d+\/params\/0\/type: unknown type 'json'; expected one of: bool, string, bytes, memory, abort_signal, i8, .*, or a dictionary, interface or record name$/,
    ]);
  });

  it('reports an unknown hostcall parameter type', () => {
    const dir = editedIdl({ 'epoll.yaml': [['- { name: epfd, type: fd, doc: The epoll fd. }\n    returns: { kind: status }', '- { name: epfd, type: fdx, doc: The epoll fd. }\n    returns: { kind: status }']] });
    assertBroken(dir, [/^idl\/epoll\.yaml:\d+: \/hostcalls\/3\/params\/0\/type: unknown type 'fdx'; expected one of: fd, fn_index, in_bytes, in_string, out_bytes, ctl_arg, an integer type, or an enum or flags name$/]);
  });

  it('reports a duplicate errno value at its second definition, naming the first', () => {
    const dir = editedIdl({ 'abi.yaml': [['{ name: EINTR, value: 4,', '{ name: EINTR, value: 1,']] });
    assertBroken(dir, [/^idl\/abi\.yaml:\d+: \/errno\/codes\/2\/value: duplicate errno value 1 \(first defined at idl\/abi\.yaml:\d+\); expected each errno value once$/]);
  });

  it('reports overlapping flag bits with the mask', () => {
    const dir = editedIdl({ 'epoll.yaml': [['{ name: OUT, bit: 2,', '{ name: OUT, bit: 0,']] });
    assertBroken(dir, [/^idl\/epoll\.yaml:\d+: \/flags\/0\/bits\/1\/bit: flag 'OUT' overlaps flag 'IN' on bit 0 \(mask 0x1\); expected each flag on its own bit$/]);
  });

  it('reports a record field of unknown type, listing the types it could be', () => {
    const dir = editedIdl({ 'epoll.yaml': [['{ name: events, type: epoll_events, doc: The events that are ready. }', '{ name: events, type: epoll_evts, doc: The events that are ready. }']] });
    assertBroken(dir, [/^idl\/epoll\.yaml:\d+: \/records\/0\/fields\/1\/type: unknown type 'epoll_evts'; expected an integer type, enum, flags or record: i8, u8, .*epoll_events/]);
  });

  it('reports a hostcall error that is not in the errno table', () => {
    const dir = editedIdl({ 'fd.yaml': [['errors: [EBADF, EFAULT, ENOSPC, EINVAL]', 'errors: [EBADF, EFAULT, ENOSPC, EINVAL, EWHAT]']] });
    assertBroken(dir, [/^idl\/fd\.yaml:\d+: \/hostcalls\/0\/errors\/4: error 'EWHAT' is not in the errno table; expected one of: EPERM, ENOENT, .*ECANCELED$/]);
  });

  it('reports a missing doc string', () => {
    const dir = editedIdl({ 'util.yaml': [['    doc: "Milliseconds since the Unix epoch on the host\'s wall clock (as SPEAR; not monotonic)."\n', '']] });
    assertBroken(dir, [/^idl\/util\.yaml:\d+: \/hostcalls\/0: missing required key 'doc' \(expected the keys name, family, doc, params, returns, errors\)$/]);
  });

  it('reports a golden vector whose bytes disagree with its value', () => {
    const dir = editedIdl({ 'epoll.yaml': [['bytes: e8030000 01000000', 'bytes: e9030000 01000000']] });
    assertBroken(dir, [/^idl\/epoll\.yaml:\d+: \/records\/0\/vectors\/0\/bytes: vector 'fd1000_in': the value encodes to e803000001000000, not the bytes given; expected a value and bytes that agree$/]);
  });

  it('reports every problem of several files in one run', () => {
    const dir = editedIdl({
      'abi.yaml': [['{ name: EINTR, value: 4,', '{ name: EINTR, value: 1,']],
      'fd.yaml': [['errors: [EBADF, EFAULT, ENOSPC, EINVAL]', 'errors: [EBADF, EFAULT, ENOSPC, EINVAL, EWHAT]']],
    });
    assertBroken(dir, [/duplicate errno value 1/, /error 'EWHAT' is not in the errno table/]);
  });
});

describe('hostwire generate: protocols', () => {
  it('reports an unknown protocol name with file, line, pointer and the protocols declared', () => {
    const dir = editedIdl({ 'transfer.yaml': [['  - name: conn_info\n    protocol: transfer\n', '  - name: conn_info\n    protocol: trnsfer\n']] });
    const text = fs.readFileSync(path.join(dir, 'idl', 'transfer.yaml'), 'utf8').split('\n');
    const line = text.indexOf('    protocol: trnsfer') + 1;
    assertBroken(dir, [
      new RegExp(`^idl/transfer\\.yaml:${line}: /records/1/protocol: unknown protocol 'trnsfer'; expected one of the protocols declared under 'protocols': transfer$`),
    ]);
  });

  it('reports an unknown protocol on an item of another file', () => {
    const dir = editedIdl({ 'abi.yaml': [[/^constants:\n  - \{ name: (\w+), /m, 'constants:\n  - { name: $1, protocol: transfer2, ']] });
    const line = fs.readFileSync(path.join(dir, 'idl', 'abi.yaml'), 'utf8').split('\n').findIndex((l) => l.includes('protocol: transfer2')) + 1;
    assertBroken(dir, [new RegExp(`^idl/abi\\.yaml:${line}: /constants/0/protocol: unknown protocol 'transfer2'; expected one of the protocols declared under 'protocols': transfer$`)]);
  });

  it('reports a protocol declared twice', () => {
    const dir = editedIdl({ 'util.yaml': [[/^enums:/m, 'protocols:\n  - { name: transfer, version: 2.0.0, doc: Again. }\nenums:']] });
    assertBroken(dir, [/^idl\/util\.yaml:3: \/protocols\/0\/name: duplicate protocol transfer \(first defined at idl\/transfer\.yaml:3\); expected each protocol once$/]);
  });

  it('reports a protocol version that is not semver', () => {
    const dir = editedIdl({ 'transfer.yaml': [[/^    version: \d+\.\d+\.\d+\n/m, '    version: "1.0"\n']] });
    assertBroken(dir, [/^idl\/transfer\.yaml:4: \/protocols\/0\/version: expected a string matching /]);
  });

  it('a hostcall parameter cannot use an enum of a protocol (the guest ABI cannot depend on its version)', () => {
    const dir = editedIdl({ 'epoll.yaml': [['{ name: op, type: epoll_op,', '{ name: op, type: frame_type,']] });
    assertBroken(dir, [
      /^idl\/epoll\.yaml:72: \/hostcalls\/\d+\/params\/1\/type: hostcall 'spear_epoll_ctl' is part of the guest ABI and cannot use enum 'frame_type' of protocol 'transfer' \(the guest ABI cannot depend on a protocol's version\); expected a type of the guest ABI$/,
    ]);
  });

  it('a guest record cannot use a record of a protocol', () => {
    const dir = editedIdl({ 'epoll.yaml': [['{ name: events, type: epoll_events, doc: The events that are ready. }', '{ name: events, type: memory_descriptor, doc: The events that are ready. }']] });
    assertBroken(dir, [
      /^idl\/epoll\.yaml:37: \/records\/0\/fields\/1\/type: record 'epoll_event' is part of the guest ABI and cannot use record 'memory_descriptor' of protocol 'transfer' .*; expected a type of the guest ABI$/,
    ]);
  });

  it('a protocol item may use types of the guest ABI', () => {
    const dir = editedIdl({
      'transfer.yaml': [[/^records:\n/m, 'records:\n  - name: ready_event\n    protocol: transfer\n    c_name: sp_ready_event_t\n    layout: packed\n    doc: A guest record inside a protocol record.\n    fields:\n      - { name: event, type: epoll_event, doc: An event. }\n      - { name: kind, type: fd_kind, doc: A kind. }\n']],
    });
    const model = buildModel(path.join(dir, 'idl'));
    const r = model.records.find((x) => x.name === 'ready_event')!;
    assert.equal(r.protocol, 'transfer');
    assert.deepEqual(r.fields.map((f) => f.type.kind), ['record', 'enum']);
  });
});
