/**
 * Inputs that once crashed a back end or were emitted wrong, each refused now with the exact
 * diagnostic (file, line, JSON pointer, what was expected), or generated. They run in-process
 * on edited copies of the real IDL's texts.
 */
import assert from 'node:assert/strict';
import type { Model } from '../../codegen/model';
import { emitAll } from '../../codegen/pipeline';
import { emitC, SUB_HEADERS } from '../../codegen/emit/c';
import { emitDocs } from '../../codegen/emit/docs';
import { HOST_IMPLEMENTED } from '../../codegen/emit/docs/status';
import { C_SUB_HEADERS } from '../../codegen/validate/c-header';
import { editTexts, lineOf, readIdlTexts, refusal, Sources, type IdlTexts } from './idl-texts';

const TEXTS = readIdlTexts();
const edit = (edits: Record<string, Array<[string | RegExp, string]>>): IdlTexts => editTexts(TEXTS, edits);
const model = (texts: IdlTexts): Model => new Sources().model(texts);

describe('IDL limits', function () {
  // In-process, each case takes milliseconds; the first loads the generator.
  this.timeout(60_000);

  describe('YAML', () => {
    it('refuses an alias bomb at its first alias of aliases, with yaml\'s own limit', () => {
      const nine = (x: string) => Array(9).fill(x).join(', ');
      const bomb = `x0: &x0 [${nine('lol')}]\nx1: &x1 [${nine('*x0')}]\nx2: &x2 [${nine('*x1')}]\nx3: [${nine('*x2')}]\n`;
      const texts = edit({ 'util.yaml': [[/^/, bomb]] });
      assert.deepEqual(refusal(texts), [
        'idl/util.yaml:3: /: YAML aliases expand too much (Excessive alias count indicates a resource exhaustion attack); expected at most 100 alias expansions in a file (no nested aliases that multiply)',
      ]);
    });

    it('refuses an alias of no anchor, and an alias inside the node it names', () => {
      const texts = edit({ 'fd.yaml': [['    family: fd\n', '    family: *fd_family\n']], 'mic.yaml': [[/^/, 'loop: &loop [1, *loop]\n']] });
      assert.deepEqual(refusal(texts), [
        `idl/fd.yaml:${lineOf(texts, 'fd.yaml', '*fd_family')}: /: YAML alias '*fd_family' names no anchor before it; expected an '&fd_family' anchor earlier in the file`,
        "idl/mic.yaml:1: /: YAML alias '*loop' is inside the node it names, which would make it infinite; expected an alias of a node that does not contain it",
      ]);
    });

    it('generates an IDL that reuses a node through an alias', () => {
      const texts = edit({ 'mic.yaml': [['    errors: [EMFILE, ENOMEM]', '    errors: &create_errors [EMFILE, ENOMEM]'], ['    errors: [EBADF]\n', '    errors: *create_errors\n']] });
      const close = model(texts).hostcalls.find((h) => h.name === 'mic_close')!;
      assert.deepEqual(close.errors.map((e) => e.name), ['ENOMEM', 'EMFILE']);
    });

    it('refuses values JSON cannot hold (a YAML !!binary, .nan)', () => {
      const texts = edit({ 'util.yaml': [['    doc: "Milliseconds since the Unix epoch on the host\'s wall clock (as SPEAR; not monotonic)."', '    doc: !!binary aGVsbG8='], ['{ name: ms, type: i32, timeout: true, doc: Milliseconds to sleep. }', '{ name: ms, type: i32, timeout: true, doc: .nan }']] });
      assert.deepEqual(refusal(texts), [
        `idl/util.yaml:${lineOf(texts, 'util.yaml', '!!binary')}: /hostcalls/0/doc: expected a JSON value: a string, number, boolean, null, list or mapping (got a value tagged !!binary)`,
      ]);
      const nan = edit({ 'util.yaml': [['{ name: ms, type: i32, timeout: true, doc: Milliseconds to sleep. }', '{ name: ms, type: i32, timeout: true, doc: .nan }']] });
      assert.deepEqual(refusal(nan), [
        `idl/util.yaml:${lineOf(nan, 'util.yaml', '.nan')}: /hostcalls/4/params/0/doc: expected a JSON value: a string, number, boolean, null, list or mapping (got NaN)`,
      ]);
    });

    it('refuses an integer written as a number past 2^53 (it would be rounded), and takes it as a string', () => {
      const texts = edit({ 'transfer.yaml': [['{ name: size, type: u64, doc: Size in bytes. }', '{ name: size, type: u64, const: 18446744073709551615, doc: Size in bytes. }']] });
      const line = lineOf(texts, 'transfer.yaml', 'const: 18446744073709551615');
      assert.deepEqual(refusal(texts), [
        `idl/transfer.yaml:${line}: /records/3/fields/1/const: expected a value <= 9007199254740991 (got 18446744073709552000)`,
        `idl/transfer.yaml:${line}: /records/3/fields/1/const: expected string (got 18446744073709552000)`,
      ]);
    });
  });

  describe('sizes', () => {
    it('refuses an array of absurd length', () => {
      const texts = edit({ 'transfer.yaml': [['{ name: addr, type: "u8[16]"', '{ name: addr, type: "u64[100000000]"']] });
      assert.deepEqual(refusal(texts), [
        `idl/transfer.yaml:${lineOf(texts, 'transfer.yaml', 'u64[100000000]')}: /records/0/fields/1/type: array length 100000000 is too large; expected 1..65535 elements`,
      ]);
    });

    it('refuses a record larger than 64 KiB', () => {
      const texts = edit({ 'transfer.yaml': [['{ name: ports, type: "u16[8]"', '{ name: ports, type: "u64[65535]"']] });
      assert.deepEqual(refusal(texts), [
        `idl/transfer.yaml:${lineOf(texts, 'transfer.yaml', 'name: magic, type: u32, const: 0x49435748')}: /records/1/fields: record 'conn_info' is 524444 bytes; expected at most 65535 (a record is a fixed-size wire structure)`,
      ]);
    });
  });

  describe('dictionary defaults and ranges', () => {
    const peerTimeout = (d: string): IdlTexts =>
      edit({ 'transfer.yaml': [['{ name: peer_timeout_ms, type: u32, default: 5000,', `{ name: peer_timeout_ms, type: u32, default: ${d},`]] });
    const at = (texts: IdlTexts): string => `idl/transfer.yaml:${lineOf(texts, 'transfer.yaml', 'name: peer_timeout_ms')}: /dictionaries/0/fields/6/default`;

    it('refuses a default that does not fit the type (-3 and 2^40 for a u32)', () => {
      for (const d of ['-3', '1099511627776']) {
        const texts = peerTimeout(d);
        assert.deepEqual(refusal(texts), [`${at(texts)}: default ${d} does not fit u32 (expected 0..4294967295)`]);
      }
    });

    it('refuses a default outside the field\'s range', () => {
      const texts = peerTimeout('5');
      assert.deepEqual(refusal(texts), [`${at(texts)}: default 5 is outside the field's range (expected 10..3600000)`]);
    });

    it('refuses a default of another type (the N-API back end once threw "Cannot convert u64[100000000] to a BigInt")', () => {
      const texts = edit({ 'transfer.yaml': [['{ name: offset, type: u64, doc: Offset in the region. }', '{ name: offset, type: u64, default: "u64[100000000]", doc: Offset in the region. }']] });
      assert.deepEqual(refusal(texts), [
        `idl/transfer.yaml:${lineOf(texts, 'transfer.yaml', 'u64[100000000]')}: /dictionaries/8/fields/1/default: default "u64[100000000]" of a u64 field; expected an integer (a number, not a string)`,
      ]);
      const texts2 = peerTimeout('null');
      assert.deepEqual(refusal(texts2), [`${at(texts2)}: default null of a u32 field; expected an integer (a number, not a string)`]);
    });

    it('refuses a default where none can be (bool, string, interface)', () => {
      const texts = edit({
        'transfer.yaml': [
          ['{ name: recv, type: bool, default: false,', '{ name: recv, type: bool, default: "no",'],
          ['{ name: host, type: string, default: "",', '{ name: host, type: string, default: 0,'],
          ['{ name: region, type: MemoryRegion, doc:', '{ name: region, type: MemoryRegion, default: 1, doc:'],
        ],
      });
      assert.deepEqual(refusal(texts), [
        `idl/transfer.yaml:${lineOf(texts, 'transfer.yaml', 'name: host, type: string')}: /dictionaries/0/fields/1/default: default 0 of a string field; expected a string`,
        `idl/transfer.yaml:${lineOf(texts, 'transfer.yaml', 'name: recv, type: bool')}: /dictionaries/1/fields/0/default: default "no" of a bool field; expected true or false`,
        `idl/transfer.yaml:${lineOf(texts, 'transfer.yaml', 'name: region, type: MemoryRegion')}: /dictionaries/4/fields/0/default: a default applies to bool, string and integer fields only (type 'MemoryRegion'); expected no default`,
      ]);
    });

    it('refuses a range outside the type, an empty range, and a range on a string', () => {
      const texts = edit({
        'transfer.yaml': [
          ['range: [1, 8], doc: Parallel TCP connections per peer. }', 'range: [1, 4294967296], doc: Parallel TCP connections per peer. }'],
          ['range: [4096, 67108864]', 'range: [67108864, 4096]'],
          ['{ name: host, type: string, default: "",', '{ name: host, type: string, default: "", range: [0, 1],'],
        ],
      });
      const line = (marker: string) => lineOf(texts, 'transfer.yaml', marker);
      assert.deepEqual(refusal(texts), [
        `idl/transfer.yaml:${line('name: channels')}: /dictionaries/0/fields/0/range/1: range bound 4294967296 does not fit u32 (expected 0..4294967295)`,
        `idl/transfer.yaml:${line('name: host, type: string')}: /dictionaries/0/fields/1/range: 'range' applies to integer fields only (type 'string'); expected one of: i8, u8, i16, u16, i32, u32, i64, u64`,
        `idl/transfer.yaml:${line('name: chunk_bytes')}: /dictionaries/0/fields/2/range: range 67108864..4096 is empty; expected the lower bound first`,
      ]);
    });
  });

  describe('names that collide once cased', () => {
    it('refuses two dictionary fields that are one name in camelCase', () => {
      const texts = edit({ 'transfer.yaml': [['      - { name: peer_timeout_ms,', '      - { name: peerTimeoutMs, type: u32, doc: Again. }\n      - { name: peer_timeout_ms,']] });
      assert.deepEqual(refusal(texts), [
        `idl/transfer.yaml:${lineOf(texts, 'transfer.yaml', 'name: peer_timeout_ms')}: /dictionaries/0/fields/7/name: field 'peer_timeout_ms' collides with field 'peerTimeoutMs' (idl/transfer.yaml:${lineOf(texts, 'transfer.yaml', 'peerTimeoutMs')}) in dictionary 'session_options': 'peer_timeout_ms' and 'peerTimeoutMs' differ only in case and underscores, which the target languages' casing does not keep apart; expected another name`,
      ]);
    });

    it('refuses a record spelled like the codec of another, and one spelled like a name of the generated code', () => {
      const texts = edit({ 'transfer.yaml': [['  - name: hello\n', '  - name: conn_info_codec\n'], ['  - name: frame_header\n', '  - name: record_error\n']] });
      const line = (marker: string) => lineOf(texts, 'transfer.yaml', marker);
      assert.deepEqual(refusal(texts), [
        `idl/transfer.yaml:${line('name: conn_info_codec')}: /records/2/name: record 'conn_info_codec' collides with the codec of record 'conn_info' (ConnInfoCodec) (idl/transfer.yaml:${line('  - name: conn_info')}) in the generated TypeScript and C++: 'conn_info_codec' and 'ConnInfoCodec' differ only in case and underscores, which the target languages' casing does not keep apart; expected another name`,
        `idl/transfer.yaml:${line('name: record_error')}: /records/5/name: record 'record_error' collides with 'RecordError', which the generated TypeScript declares itself in the generated TypeScript and C++: 'record_error' and 'RecordError' differ only in case and underscores, which the target languages' casing does not keep apart; expected another name`,
      ]);
    });

    it('refuses an interface spelled like a file of the N-API glue', () => {
      const texts = edit({ 'transfer.yaml': [[/^ {2}- name: Transfer\n/m, '  - name: Completion\n'], ['        returns: Transfer\n', '        returns: Completion\n']] });
      assert.deepEqual(refusal(texts), [
        `idl/transfer.yaml:${lineOf(texts, 'transfer.yaml', '  - name: Completion')}: /interfaces/2/name: interface 'Completion' collides with 'completion', a file or member of the N-API glue in the N-API glue: 'Completion' and 'completion' differ only in case and underscores, which the target languages' casing does not keep apart; expected another name`,
      ]);
    });

    it('refuses a hostcall parameter spelled like what another lowers to', () => {
      const texts = edit({ 'user_stream.yaml': [['      - { name: buf, type: in_bytes, doc: The frame. }\n', '      - { name: buf, type: in_bytes, doc: The frame. }\n      - { name: bufLen, type: i32, doc: Its length again. }\n']] });
      assert.deepEqual(refusal(texts), [
        `idl/user_stream.yaml:${lineOf(texts, 'user_stream.yaml', 'name: bufLen')}: /hostcalls/2/params/2/name: parameter 'bufLen' collides with 'buf_len', which parameter 'buf' (in_bytes) lowers to (idl/user_stream.yaml:${lineOf(texts, 'user_stream.yaml', 'name: buf, type: in_bytes')}) in the parameters of hostcall 'user_stream_write': 'bufLen' and 'buf_len' differ only in case and underscores, which the target languages' casing does not keep apart; expected another name`,
      ]);
    });

    it('refuses two C names that are one, and a C keyword as a parameter', () => {
      const texts = edit({ 'mic.yaml': [['c_prefix: SPEAR_MIC_CTL_', 'c_prefix: SPEAR_FD_CTL_']], 'util.yaml': [['{ name: ms, type: i32,', '{ name: int, type: i32,']] });
      assert.deepEqual(refusal(texts), [
        `idl/mic.yaml:${lineOf(texts, 'mic.yaml', 'name: GET_STATUS')}: /enums/0/values/1/name: value 'GET_STATUS' of 'mic_ctl_cmd' is SPEAR_FD_CTL_GET_STATUS in C, as is value 'GET_STATUS' of 'fd_ctl_cmd' (idl/fd.yaml:${lineOf(texts, 'fd.yaml', 'name: GET_STATUS')}); expected each C name once`,
        `idl/util.yaml:${lineOf(texts, 'util.yaml', 'name: int, type: i32')}: /hostcalls/4/params/0/name: parameter 'int' of hostcall 'sleep_ms' is the C keyword 'int', which the C header cannot use as a name; expected another name`,
      ]);
    });
  });

  describe('hostcall outputs', () => {
    it("refuses an output parameter on a hostcall that returns an fd or a value (the TypeScript back end once threw)", () => {
      const texts = edit({
        'mic.yaml': [['    params: []\n    returns: { kind: fd }\n    errors: [EMFILE, ENOMEM]', '    params:\n      - { name: out, type: out_bytes, doc: Room. }\n    returns: { kind: fd }\n    errors: [EMFILE, ENOMEM, EFAULT, ENOSPC]']],
        'util.yaml': [['    doc: "Milliseconds since the Unix epoch on the host\'s wall clock (as SPEAR; not monotonic)."\n    params: []', '    doc: "Milliseconds since the Unix epoch on the host\'s wall clock (as SPEAR; not monotonic)."\n    params:\n      - { name: fd, type: fd, doc: An fd. }\n      - { name: cmd, type: fd_ctl_cmd, doc: A command. }\n      - { name: arg, type: ctl_arg, commands: fd_ctl_cmd, doc: An argument. }'], ['    errors: []\n  - name: wall_time_s', '    errors: [EFAULT, ENOSPC]\n  - name: wall_time_s']],
      });
      assert.deepEqual(refusal(texts), [
        `idl/mic.yaml:${lineOf(texts, 'mic.yaml', 'returns: { kind: fd }')}: /hostcalls/0/returns/kind: 'mic_create' has an output parameter ('out', out_bytes) but returns 'fd'; expected 'count' or 'status'`,
        `idl/util.yaml:${lineOf(texts, 'util.yaml', 'returns: { kind: value, type: i64 }')}: /hostcalls/0/returns/kind: 'time_now_ms' has an output parameter ('arg', ctl_arg) but returns 'value'; expected 'count' or 'status'`,
      ]);
    });

    it('refuses two output parameters on a call that returns a count', () => {
      const texts = edit({ 'mic.yaml': [['      - { name: out, type: out_bytes, doc: Room for one frame. }\n', '      - { name: out, type: out_bytes, doc: Room for one frame. }\n      - { name: more, type: out_bytes, doc: More room. }\n']] });
      assert.deepEqual(refusal(texts), [
        `idl/mic.yaml:${texts['mic.yaml'].split('\n').findIndex((l, i) => i >= lineOf(texts, 'mic.yaml', 'name: mic_read') && l.includes('returns:')) + 1}: /hostcalls/2/returns/kind: 'mic_read' has 2 output parameters ('out', 'more') but returns 'count'; expected 'status' (a 'count' is the length of a call's one output)`,
      ]);
    });

    it('refuses a ctl_arg whose command enum is the type of no parameter', () => {
      const texts = edit({ 'mic.yaml': [['      - { name: cmd, type: mic_ctl_cmd, doc: The command. }\n', '      - { name: cmd, type: i32, doc: The command. }\n']] });
      assert.deepEqual(refusal(texts), [
        `idl/mic.yaml:${lineOf(texts, 'mic.yaml', 'commands: mic_ctl_cmd')}: /hostcalls/1/params/2/commands: no parameter of 'mic_ctl' has the command enum 'mic_ctl_cmd' as its type; expected the command as a parameter of type 'mic_ctl_cmd' beside 'arg'`,
      ]);
    });

    const statusCtl = (): IdlTexts =>
      edit({ 'mic.yaml': [['      - { name: arg, type: ctl_arg, commands: mic_ctl_cmd, doc: In/out argument of the command. }\n    returns: { kind: count }', '      - { name: arg, type: ctl_arg, commands: mic_ctl_cmd, doc: In/out argument of the command. }\n    returns: { kind: status }']] });

    it('accepts one output parameter on a hostcall that returns status', () => {
      const h = model(statusCtl()).hostcalls.find((x) => x.name === 'mic_ctl')!;
      assert.equal(h.returns.kind, 'status');
      assert.deepEqual(h.params.map((p) => p.kind), ['fd', 'enum', 'ctl_arg']);
    });

    it('generates a hostcall with one output parameter that returns status: 0 once the output is stored', () => {
      const files = emitAll(model(statusCtl()));
      const glue = files.find((f) => f.path === 'ts/hostcalls.ts')!.content;
      const call = glue.slice(glue.indexOf('    mic_ctl: ('), glue.indexOf('    mic_read: ('));
      assert.match(call, /if \(storeOutput\(getMemory, argStart, argLenAt, argCapacity, result\) < 0\) return -Errno\.ENOSPC;\n\s+return 0;/);
    });
  });

  describe('what the C header needs', () => {
    it('refuses an IDL without the log hostcall, an alloc constant or the alias of -EIO', () => {
      const texts = edit({
        'util.yaml': [[/ {2}- name: log\n(.*\n){7}/, '']],
        'abi.yaml': [[/ {2}- \{ name: ALLOC_MAX_TRIES.*\n/, ''], [/ {4}- \{ name: SPEAR_CCHAT_ERR_INTERNAL.*\n/, '']],
      });
      assert.deepEqual(refusal(texts), [
        `idl/abi.yaml:${lineOf(texts, 'abi.yaml', 'header: spear.h')}: /abi/c: the C header's helpers need constant 'ALLOC_MAX_TRIES' (the most calls an *_alloc helper makes); expected it under 'constants'`,
        `idl/abi.yaml:${lineOf(texts, 'abi.yaml', '{ name: SPEAR_CCHAT_OK')}: /errno/aliases: the C header's JSON helpers return an alias of -EIO when a JSON argument does not fit; expected an alias with 'errno: EIO'`,
        `idl/abi.yaml:${lineOf(texts, 'abi.yaml', 'header: spear.h')}: /abi/c: the C header's log helpers call a hostcall 'log'; expected a hostcall named 'log' taking a log level enum and an in_bytes message`,
      ]);
    });

    it('refuses items in spear_ssf.h without the records its helpers use, and a header it has no template for', () => {
      const texts = edit({ 'user_stream.yaml': [['  - name: ssf_v1_header\n', '  - name: ssf_v1_view\n']], 'epoll.yaml': [[/(\n {2}- name: epoll_op\n)/, '$1    c_header: epoll.h\n']] });
      assert.deepEqual(refusal(texts), [
        `idl/epoll.yaml:${lineOf(texts, 'epoll.yaml', 'c_header: epoll.h')}: /enums/0/c_header: the C back end writes spear.h and spear_ssf.h only; expected one of them (got 'epoll.h')`,
        `idl/user_stream.yaml:${lineOf(texts, 'user_stream.yaml', 'name: SSF_V1_MAGIC')}: /constants/0/c_header: the SSF helpers of spear_ssf.h, which holds 'SSF_V1_MAGIC', use record 'ssf_v1_header'; expected it under 'records' with 'c_header: spear_ssf.h'`,
      ]);
    });

    it('refuses an enum value that does not fit a C int', () => {
      const texts = edit({ 'abi.yaml': [['{ name: Epoll, value: 3,', '{ name: Epoll, value: 0x80000000,']] });
      assert.deepEqual(refusal(texts), [
        `idl/abi.yaml:${lineOf(texts, 'abi.yaml', 'name: Epoll')}: /enums/0/values/2/value: value 2147483648 does not fit a C enum constant, which is an int (expected -2147483648..2147483647)`,
      ]);
    });

    it('writes the main header under the name the IDL gives it', () => {
      const files = emitC(model(edit({ 'abi.yaml': [['    header: spear.h', '    header: guest.h']] })));
      assert.deepEqual(files.map((f) => f.path), ['guest.h', 'spear_ssf.h']);
      assert.match(files[0].content, /#include "spear_ssf.h"/);
    });

    it('knows the sub-headers the C back end writes', () => {
      assert.deepEqual([...C_SUB_HEADERS].sort(), Object.keys(SUB_HEADERS).sort());
    });
  });

  describe('the reference names what this host implements', () => {
    it('generates an IDL without a hostcall that the host build implements', () => {
      const texts = edit({ 'rtasr.yaml': [[/ {2}- name: rtasr_create\n(.*\n)*?(?= {2}- name:)/, '']] });
      const m = model(texts);
      assert.equal(m.hostcalls.some((h) => h.name === 'rtasr_create'), false);
      const [md] = emitDocs(m);
      assert.equal(md.content.includes('#### `rtasr_create`'), false);
      assert.match(md.content, /#### `rtasr_ctl`/);
    });

    it('lists only hostcalls of the real IDL as implemented', () => {
      const names = new Set(model(TEXTS).hostcalls.map((h) => h.name));
      assert.deepEqual(HOST_IMPLEMENTED.filter((n) => !names.has(n)), []);
    });
  });
});
