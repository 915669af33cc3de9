/** The generated C headers: up to date, strict-clean in C and C++, a drop-in for SPEAR's. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { emitC } from '../../codegen/emit/c';
import type { Model } from '../../codegen/model';
import { buildModel } from '../../codegen/pipeline';
import { GENERATED, IDL_ABI, ROOT, tmpDir } from '../helpers/toolchain';
import { build, linkWasm, type Build } from './build';
import { callEverything, parseFunctions } from './decls';
import { customSection, readWasm } from './wasm';

const read = (file: string) => fs.readFileSync(path.join(GENERATED, 'c', file), 'utf8');

/** The inline helpers the IDL asks for, as SPEAR guests call them. */
const HELPERS = [
  // chat
  'sp_cchat_write_msg_str',
  'sp_cchat_write_fn_str',
  'sp_cchat_set_param_json',
  'sp_cchat_set_param_string',
  'sp_cchat_set_param_u32',
  'sp_cchat_get_metrics_alloc',
  'sp_cchat_recv_alloc',
  // epoll
  'sp_ep_create',
  'sp_ep_ctl',
  'sp_ep_wait',
  'sp_epoll_wait_alloc',
  'sp_ep_close',
  // fd
  'sp_fd_set_flags_json',
  'sp_fd_get_flags_alloc',
  'sp_fd_get_kind_alloc',
  'sp_fd_get_status_alloc',
  'sp_fd_get_metrics_alloc',
  // mic
  'sp_mic_set_param_json',
  'sp_mic_get_status_alloc',
  'sp_mic_read_alloc',
  // rtasr
  'sp_rtasr_set_param_json',
  'sp_rtasr_set_param_string',
  'sp_rtasr_set_param_u32',
  'sp_rtasr_connect',
  'sp_rtasr_get_status_alloc',
  'sp_rtasr_send_event_json',
  'sp_rtasr_flush',
  'sp_rtasr_set_autoflush_json',
  'sp_rtasr_get_autoflush_alloc',
  'sp_rtasr_read_alloc',
  // user streams
  'sp_user_stream_read_alloc',
  'sp_user_stream_ctl_read_alloc',
  'sp_user_stream_ctl_read_event',
  // log
  'sp_log_write',
  'sp_log_str',
  'sp_logf',
  'sp_tracef',
  'sp_debugf',
  'sp_infof',
  'sp_warnf',
  'sp_errorf',
  'sp_fprintf',
  'sp_puts_log',
  // spear_ssf.h
  'sp_ssf_v1_write_u16_le',
  'sp_ssf_v1_write_u32_le',
  'sp_ssf_v1_write_u64_le',
  'sp_ssf_v1_build_header',
  'sp_ssf_v1_parse_header',
  'sp_ssf_v1_split',
  'sp_ssf_meta_contains',
];

/** Every function of SPEAR's public spear.h and spear_ssf.h, with SPEAR's signature. */
const SPEAR_FUNCTIONS: [ret: string, name: string, params: string][] = [
  ['int64_t', 'sp_time_now_ms', 'void'],
  ['int32_t', 'sp_cchat_create', 'void'],
  ['int32_t', 'sp_cchat_write_msg', 'int32_t, int32_t, int32_t, int32_t, int32_t'],
  ['int32_t', 'sp_cchat_write_fn', 'int32_t, int32_t, int32_t, int32_t'],
  ['int32_t', 'sp_cchat_ctl', 'int32_t, int32_t, int32_t, int32_t'],
  ['int32_t', 'sp_cchat_send', 'int32_t, int32_t'],
  ['int32_t', 'sp_cchat_recv', 'int32_t, int32_t, int32_t'],
  ['int32_t', 'sp_cchat_close', 'int32_t'],
  ['int32_t', 'sp_rtasr_create', 'void'],
  ['int32_t', 'sp_rtasr_ctl', 'int32_t, int32_t, int32_t, int32_t'],
  ['int32_t', 'sp_rtasr_write', 'int32_t, int32_t, int32_t'],
  ['int32_t', 'sp_rtasr_read', 'int32_t, int32_t, int32_t'],
  ['int32_t', 'sp_rtasr_close', 'int32_t'],
  ['int32_t', 'sp_mic_create', 'void'],
  ['int32_t', 'sp_mic_ctl', 'int32_t, int32_t, int32_t, int32_t'],
  ['int32_t', 'sp_mic_read', 'int32_t, int32_t, int32_t'],
  ['int32_t', 'sp_mic_close', 'int32_t'],
  ['int32_t', 'sp_user_stream_open', 'int32_t, int32_t'],
  ['int32_t', 'sp_user_stream_read', 'int32_t, int32_t, int32_t'],
  ['int32_t', 'sp_user_stream_write', 'int32_t, int32_t, int32_t'],
  ['int32_t', 'sp_user_stream_close', 'int32_t'],
  ['int32_t', 'sp_user_stream_ctl_open', 'void'],
  ['int32_t', 'sp_user_stream_ctl_read', 'int32_t, int32_t, int32_t'],
  ['int32_t', 'sp_epoll_create', 'void'],
  ['int32_t', 'sp_epoll_ctl', 'int32_t, int32_t, int32_t, int32_t'],
  ['int32_t', 'sp_epoll_wait', 'int32_t, int32_t, int32_t, int32_t'],
  ['int32_t', 'sp_epoll_close', 'int32_t'],
  ['int32_t', 'sp_ep_create', 'void'],
  ['int32_t', 'sp_ep_ctl', 'int32_t, int32_t, int32_t, int32_t'],
  ['int32_t', 'sp_ep_wait', 'int32_t, int32_t, int32_t, int32_t'],
  ['int32_t', 'sp_ep_close', 'int32_t'],
  ['int32_t', 'sp_fd_ctl', 'int32_t, int32_t, int32_t, int32_t'],
  ['int32_t', 'sp_cchat_write_msg_str', 'int32_t, const char *, const char *'],
  ['int32_t', 'sp_cchat_write_fn_str', 'int32_t, int32_t, const char *'],
  ['int32_t', 'sp_cchat_set_param_json', 'int32_t, const char *, uint32_t'],
  ['int32_t', 'sp_cchat_set_param_string', 'int32_t, const char *, const char *'],
  ['int32_t', 'sp_cchat_set_param_u32', 'int32_t, const char *, uint32_t'],
  ['uint8_t *', 'sp_cchat_recv_alloc', 'int32_t, uint32_t *'],
  ['int32_t', 'sp_rtasr_set_param_json', 'int32_t, const char *, uint32_t'],
  ['int32_t', 'sp_rtasr_set_param_string', 'int32_t, const char *, const char *'],
  ['int32_t', 'sp_rtasr_set_param_u32', 'int32_t, const char *, uint32_t'],
  ['int32_t', 'sp_rtasr_connect', 'int32_t'],
  ['int32_t', 'sp_rtasr_flush', 'int32_t'],
  ['int32_t', 'sp_rtasr_set_autoflush_json', 'int32_t, const char *, uint32_t'],
  ['uint8_t *', 'sp_rtasr_read_alloc', 'int32_t, uint32_t *'],
  ['int32_t', 'sp_mic_set_param_json', 'int32_t, const char *, uint32_t'],
  ['uint8_t *', 'sp_mic_get_status_alloc', 'int32_t, uint32_t *'],
  ['uint8_t *', 'sp_mic_read_alloc', 'int32_t, uint32_t *'],
  ['uint8_t *', 'sp_user_stream_read_alloc', 'int32_t, uint32_t *'],
  ['int32_t', 'sp_user_stream_ctl_read_event', 'int32_t, sp_user_stream_ctl_event_t *'],
  ['int32_t', 'sp_log', 'int32_t, int32_t, int32_t'],
  ['int32_t', 'sp_log_write', 'int32_t, const void *, size_t'],
  ['int32_t', 'sp_log_str', 'int32_t, const char *'],
  ['int', 'sp_logf', 'int32_t, const char *, ...'],
  ['int', 'sp_tracef', 'const char *, ...'],
  ['int', 'sp_debugf', 'const char *, ...'],
  ['int', 'sp_infof', 'const char *, ...'],
  ['int', 'sp_warnf', 'const char *, ...'],
  ['int', 'sp_errorf', 'const char *, ...'],
  ['int', 'sp_fprintf', 'FILE *, const char *, ...'],
  ['int', 'sp_puts_log', 'const char *'],
  ['void', 'sp_ssf_v1_write_u16_le', 'uint8_t *, size_t, uint16_t'],
  ['void', 'sp_ssf_v1_write_u32_le', 'uint8_t *, size_t, uint32_t'],
  ['void', 'sp_ssf_v1_write_u64_le', 'uint8_t *, size_t, uint64_t'],
  ['void', 'sp_ssf_v1_build_header', 'uint8_t *, uint32_t, uint16_t, uint16_t, uint64_t, uint32_t, uint32_t'],
  ['int', 'sp_ssf_v1_parse_header', 'const uint8_t *, uint32_t, sp_ssf_v1_header_t *'],
  ['int', 'sp_ssf_v1_split', 'const uint8_t *, uint32_t, sp_ssf_v1_frame_view_t *'],
  ['int', 'sp_ssf_meta_contains', 'const uint8_t *, uint32_t, const char *'],
];

/** Every constant and macro of SPEAR's headers. */
const SPEAR_CONSTANTS = [
  'SPEAR_CCHAT_OK', 'SPEAR_EPERM', 'SPEAR_ENOENT', 'SPEAR_EIO', 'SPEAR_EBADF', 'SPEAR_EAGAIN', 'SPEAR_ENOMEM',
  'SPEAR_EFAULT', 'SPEAR_EINVAL', 'SPEAR_ENOSPC', 'SPEAR_EPIPE', 'SPEAR_ECONNRESET', 'SPEAR_ENOTCONN',
  'SPEAR_ETIMEDOUT', 'SPEAR_CCHAT_ERR_INVALID_FD', 'SPEAR_CCHAT_ERR_INVALID_PTR', 'SPEAR_CCHAT_ERR_BUFFER_TOO_SMALL',
  'SPEAR_CCHAT_ERR_INVALID_CMD', 'SPEAR_CCHAT_ERR_INTERNAL', 'SPEAR_CCHAT_CTL_SET_PARAM', 'SPEAR_CCHAT_CTL_GET_METRICS',
  'SPEAR_CCHAT_SEND_FLAG_ENABLE_METRICS', 'SPEAR_CCHAT_SEND_FLAG_AUTO_TOOL_CALL', 'AUTO_TOOL_CALL',
  'SPEAR_RTA_CTL_SET_PARAM', 'SPEAR_RTA_CTL_CONNECT', 'SPEAR_RTA_CTL_GET_STATUS', 'SPEAR_RTA_CTL_SEND_EVENT',
  'SPEAR_RTA_CTL_FLUSH', 'SPEAR_RTA_CTL_CLEAR', 'SPEAR_RTA_CTL_SET_AUTOFLUSH', 'SPEAR_RTA_CTL_GET_AUTOFLUSH',
  'SPEAR_MIC_CTL_SET_PARAM', 'SPEAR_MIC_CTL_GET_STATUS', 'SPEAR_USER_STREAM_DIR_INBOUND',
  'SPEAR_USER_STREAM_DIR_OUTBOUND', 'SPEAR_USER_STREAM_DIR_BIDIRECTIONAL', 'SPEAR_USER_STREAM_CTL_EVENT_STREAM_CONNECTED',
  'SPEAR_USER_STREAM_CTL_EVENT_SESSION_CLOSED', 'SPEAR_EPOLL_CTL_ADD', 'SPEAR_EPOLL_CTL_MOD', 'SPEAR_EPOLL_CTL_DEL',
  'SPEAR_EP_CTL_ADD', 'SPEAR_EP_CTL_MOD', 'SPEAR_EP_CTL_DEL', 'SPEAR_EPOLLIN', 'SPEAR_EPOLLOUT', 'SPEAR_EPOLLERR',
  'SPEAR_EPOLLHUP', 'SPEAR_FD_CTL_SET_FLAGS', 'SPEAR_FD_CTL_GET_FLAGS', 'SPEAR_FD_CTL_GET_KIND',
  'SPEAR_FD_CTL_GET_STATUS', 'SPEAR_FD_CTL_GET_METRICS', 'SP_LOG_TRACE', 'SP_LOG_DEBUG', 'SP_LOG_INFO', 'SP_LOG_WARN',
  'SP_LOG_ERROR', 'SPEAR_SSF_V1_MAGIC_SPST', 'SPEAR_SSF_V1_VERSION', 'SPEAR_SSF_V1_HEADER_LEN',
  'SPEAR_SSF_MSG_TYPE_CTRL', 'SPEAR_SSF_MSG_TYPE_DATA', 'SPEAR_SSF_MSG_TYPE_COMMIT',
];

/** A TU that needs every SPEAR name, with SPEAR's function types and struct fields. */
const SPEAR_NAMES_TU = [
  '#include <spear.h>',
  '',
  'int main(void) {',
  ...SPEAR_FUNCTIONS.map(([ret, name, params]) => `    ${ret} (*const p_${name})(${params}) = ${name};\n    (void)p_${name};`),
  ...SPEAR_CONSTANTS.map((name) => `    (void)(${name});`),
  '    sp_user_stream_ctl_event_t evt = {0, 0};',
  '    sp_ssf_v1_frame_view_t view;',
  '    memset(&view, 0, sizeof view);',
  '    uint32_t fields = evt.stream_id + evt.kind + view.hdr.flags + view.hdr.stream_id + view.hdr.meta_len +',
  '                      view.hdr.data_len + view.hdr.header_len + view.hdr.msg_type + (uint32_t)view.hdr.seq;',
  '    return (int)fields + (view.meta == view.data);',
  '}',
  '',
].join('\n');

/** How SPEAR guests use flags, errno values and records: none of it may warn. */
const IDIOMS_TU = `#include <spear.h>

int idioms(int32_t ep, int32_t fd, int32_t ev, sp_user_stream_ctl_event_t evt, uint32_t meta_len) {
    int32_t r = sp_epoll_ctl(ep, SPEAR_EPOLL_CTL_ADD, fd, SPEAR_EPOLLIN | SPEAR_EPOLLOUT);
    r += sp_ep_ctl(ep, SPEAR_EP_CTL_MOD, fd, SPEAR_EPOLLIN | SPEAR_EPOLLERR | SPEAR_EPOLLHUP);
    r += sp_cchat_send(fd, AUTO_TOOL_CALL);
    r += sp_cchat_send(fd, SPEAR_CCHAT_SEND_FLAG_ENABLE_METRICS | AUTO_TOOL_CALL);
    if ((ev & SPEAR_EPOLLIN) == 0 || ev == SPEAR_EPOLLHUP) {
        r++;
    }
    switch (ev) {
    case SPEAR_EPOLLIN:
        r++;
        break;
    default:
        break;
    }
    int32_t events = SPEAR_EPOLLIN;
    int wanted[] = {SPEAR_EPOLLIN, SPEAR_EPOLLOUT};
    if (evt.kind == SPEAR_USER_STREAM_CTL_EVENT_SESSION_CLOSED || r == -SPEAR_EAGAIN || r == SPEAR_CCHAT_ERR_INVALID_FD) {
        r++;
    }
    uint32_t total = SPEAR_SSF_V1_HEADER_LEN + meta_len;
    return r + events + wanted[0] + (int)total;
}
`;

describe('C header', () => {
  let model: Model;
  let dir: string;
  before(() => {
    model = buildModel(path.join(ROOT, 'idl'));
    dir = tmpDir('c-header');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('is what the C back end generates from the IDL, deterministically, marked as generated', () => {
    const first = emitC(model);
    assert.deepEqual(emitC(model), first);
    assert.deepEqual(first.map((f) => f.path), ['spear.h', 'spear_ssf.h']);
    for (const f of first) {
      assert.equal(f.content, read(f.path), `generated/c/${f.path} is stale: run hostwire generate`);
      assert.equal(f.content.split('\n')[0], `/* Generated by hostwire from the IDL (spear ${IDL_ABI.version}): do not edit by hand. */`);
    }
  });

  it('declares one import per hostcall with the C signature of its lowering', () => {
    const imports = parseFunctions(read('spear.h')).filter((f) => f.importName);
    const ctype = (wasm: string | null) => (wasm === null ? 'void' : wasm === 'i64' ? 'int64_t' : 'int32_t');
    assert.deepEqual(
      imports.map((f) => ({ importName: f.importName, name: f.name, ret: f.ret, params: f.params })),
      model.hostcalls.map((h) => ({
        importName: h.name,
        name: h.cName,
        ret: ctype(h.wasmResult),
        params: h.wasmParams.map((v) => ({ type: ctype(v.wasm), name: v.name })),
      })),
    );
  });

  it('defines exactly the inline helpers the IDL asks for', () => {
    const helpers = [...parseFunctions(read('spear.h')), ...parseFunctions(read('spear_ssf.h'))]
      .filter((f) => f.inline && !f.name.startsWith('sp_internal_'))
      .map((f) => f.name);
    assert.deepEqual([...helpers].sort(), [...HELPERS].sort());
  });

  it('leaves sp_rtasr_clear to the guest, as SPEAR guests define their own', () => {
    const src = [
      '#include <spear.h>',
      'static int sp_rtasr_clear(int32_t fd) {',
      '  uint32_t len = 0;',
      '  return sp_rtasr_ctl(fd, SPEAR_RTA_CTL_CLEAR, 0, (int32_t)(uintptr_t)&len);',
      '}',
      'int main(void) { return sp_rtasr_clear(1000) == 0 ? 0 : 1; }',
      '',
    ].join('\n');
    const r = build('wasm-c', src, path.join(dir, 'own-clear.o'));
    assert.equal(r.stderr, '');
    assert.equal(r.status, 0);
  });

  const everyBuild: Build[] = ['wasm-c', 'wasm-c++', 'host-c', 'host-c++'];
  for (const kind of everyBuild) {
    it(`compiles warning-free (${kind}) with every function called`, () => {
      const fns = [...parseFunctions(read('spear.h')), ...parseFunctions(read('spear_ssf.h'))];
      const r = build(kind, callEverything(fns), path.join(dir, `all-${kind}.o`));
      assert.equal(r.stderr, '');
      assert.equal(r.status, 0);
    });
  }

  for (const kind of ['wasm-c', 'wasm-c++'] as Build[]) {
    it(`has every name of SPEAR's headers with SPEAR's types (${kind})`, () => {
      const r = build(kind, SPEAR_NAMES_TU, path.join(dir, `names-${kind}.o`));
      assert.equal(r.stderr, '');
      assert.equal(r.status, 0);
    });

    it(`keeps SPEAR guests' idioms with flags, errno and records warning-free (${kind})`, () => {
      const r = build(kind, IDIOMS_TU, path.join(dir, `idioms-${kind}.o`), ['-c']);
      assert.equal(r.stderr, '');
      assert.equal(r.status, 0);
    });
  }

  it('links a guest whose spear imports are exactly the hostcalls, with their wasm signatures', () => {
    const fns = [...parseFunctions(read('spear.h')), ...parseFunctions(read('spear_ssf.h'))];
    const wasm = path.join(dir, 'all.wasm');
    const r = build('wasm-c', callEverything(fns), wasm);
    assert.equal(r.status, 0, r.stderr);
    const imports = readWasm(fs.readFileSync(wasm)).imports.filter((i) => i.module === 'spear');
    const expected = model.hostcalls.map((h) => ({
      name: h.name,
      params: h.wasmParams.map((v) => v.wasm),
      results: h.wasmResult ? [h.wasmResult] : [],
    }));
    const sortByName = <T extends { name: string }>(xs: T[]) => [...xs].sort((a, b) => (a.name < b.name ? -1 : 1));
    const seen = imports.map((i) => ({ name: i.name, params: i.type!.params, results: i.type!.results }));
    assert.deepEqual(sortByName(seen), sortByName(expected));
  });

  it('rejects a compiler that lays the records out differently (the layout asserts)', () => {
    const r = build('wasm-c', '#include <spear.h>\n', path.join(dir, 'packed.o'), ['-c', '-fpack-struct=1', '-ferror-limit=0']);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /"sp_ssf_v1_header_t: size"/);
    assert.match(r.stderr, /"sp_user_stream_ctl_event_t: alignment"/);
  });

  it('records the ABI version in the hostwire.abi custom section, once per translation unit', () => {
    const a = path.join(dir, 'a.c');
    const b = path.join(dir, 'b.c');
    fs.writeFileSync(a, '#include <spear.h>\nint helper(void);\nint main(void) { return helper() + (int)sp_time_now_ms(); }\n');
    fs.writeFileSync(b, '#include "spear.h"\nint helper(void) { return 0; }\n');
    const wasm = path.join(dir, 'abi.wasm');
    const r = linkWasm([a, b], wasm);
    assert.equal(r.stderr, '');
    assert.equal(r.status, 0);
    assert.equal(customSection(readWasm(fs.readFileSync(wasm)), 'hostwire.abi').toString('latin1'), `spear/${IDL_ABI.version}\0spear/${IDL_ABI.version}\0`);

    const none = path.join(dir, 'no-abi.wasm');
    assert.equal(linkWasm([a, b], none, ['-DSPEAR_NO_ABI_SECTION']).status, 0);
    assert.equal(customSection(readWasm(fs.readFileSync(none)), 'hostwire.abi').length, 0);
  });
});
