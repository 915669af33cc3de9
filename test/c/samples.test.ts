/**
 * The SPEAR-style samples in examples/c: each compiles and links with the strict flags, with
 * stdio redirected to the log (the header's default on wasm, as SPEAR's) and with
 * SPEAR_DISABLE_STDIO_REDIRECT_TO_LOG, imports exactly the hostcalls it uses with the model's
 * signatures, and hello.c logs what it should.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Model } from '../../codegen/model';
import { buildModel } from '../../codegen/pipeline';
import { ROOT, tmpDir } from '../helpers/toolchain';
import { linkWasm } from './build';
import { runGuest, type GuestRun } from './guest';
import { readWasm } from './wasm';

const EXAMPLES = path.join(ROOT, 'examples', 'c');

/** The spear imports of each sample built as is (the redirect build adds `log` to every one). */
const IMPORTS: Record<string, string[]> = {
  hello: ['log', 'time_now_ms'],
  chat_completion: ['cchat_close', 'cchat_create', 'cchat_ctl', 'cchat_recv', 'cchat_send', 'cchat_write_msg'],
  chat_tool_sum: ['cchat_close', 'cchat_create', 'cchat_ctl', 'cchat_recv', 'cchat_send', 'cchat_write_fn', 'cchat_write_msg'],
  epoll_rtasr: [
    'rtasr_close',
    'rtasr_create',
    'rtasr_ctl',
    'rtasr_read',
    'rtasr_write',
    'spear_epoll_close',
    'spear_epoll_create',
    'spear_epoll_ctl',
    'spear_epoll_wait',
    'spear_fd_ctl',
  ],
  user_stream: [
    'log',
    'spear_epoll_close',
    'spear_epoll_create',
    'spear_epoll_ctl',
    'spear_epoll_wait',
    'user_stream_close',
    'user_stream_ctl_open',
    'user_stream_ctl_read',
    'user_stream_open',
    'user_stream_read',
    'user_stream_write',
  ],
  mic: ['log', 'mic_close', 'mic_create', 'mic_ctl', 'mic_read', 'spear_epoll_close', 'spear_epoll_create', 'spear_epoll_ctl', 'spear_epoll_wait'],
};

const BUILDS: Record<string, string[]> = {
  plain: ['-DSPEAR_DISABLE_STDIO_REDIRECT_TO_LOG'],
  redirect: [],
};

describe('C samples (examples/c)', () => {
  let model: Model;
  let dir: string;
  before(() => {
    model = buildModel(path.join(ROOT, 'idl'));
    dir = tmpDir('c-samples');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('are the samples this test knows', () => {
    const found = fs.readdirSync(EXAMPLES).filter((f) => f.endsWith('.c')).map((f) => path.basename(f, '.c'));
    assert.deepEqual(found.sort(), Object.keys(IMPORTS).sort());
  });

  for (const [sample, uses] of Object.entries(IMPORTS)) {
    for (const [build, flags] of Object.entries(BUILDS)) {
      const what = build === 'redirect' ? 'log and what it uses' : 'what it uses';
      it(`${sample}.c (${build}) links warning-free, importing exactly ${what}`, () => {
        const wasm = path.join(dir, `${sample}-${build}.wasm`);
        const r = linkWasm([path.join(EXAMPLES, `${sample}.c`)], wasm, flags);
        assert.equal(r.stderr, '');
        assert.equal(r.status, 0);

        const imports = readWasm(fs.readFileSync(wasm)).imports.filter((i) => i.module === 'spear');
        const expected = [...new Set([...uses, ...(build === 'redirect' ? ['log'] : [])])].sort();
        assert.deepEqual(imports.map((i) => i.name).sort(), expected);
        for (const i of imports) {
          const h = model.hostcalls.find((hc) => hc.name === i.name)!;
          const signature = { params: h.wasmParams.map((v) => v.wasm), results: h.wasmResult ? [h.wasmResult] : [] };
          assert.deepEqual(i.type, signature, i.name);
        }
      });
    }
  }

  describe('hello.c', () => {
    const levels = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'];
    function hello(flags: string[]): { run: GuestRun; logs: string[] } {
      const wasm = path.join(dir, `hello-run${flags.map((f) => f.replace(/^-D/, '-')).join('')}.wasm`);
      const r = linkWasm([path.join(EXAMPLES, 'hello.c')], wasm, flags);
      assert.equal(r.status, 0, r.stderr);
      const logs: string[] = [];
      const run = runGuest(wasm, (mem) => ({
        time_now_ms: () => 1234n,
        log: (level, ptr, len) => {
          logs.push(`${levels[level]} ${mem.string(ptr, len)}`);
          return 0;
        },
      }));
      return { run, logs };
    }
    const helperLogs = [
      'INFO sp_infof: 2 + 3 = 5',
      'WARN sp_log_str at WARN',
      'DEBUG sp_logf at DEBUG, monotonic clock 1234 ms',
      'ERROR sp_errorf: something failed',
    ];

    it('SPEAR_DISABLE_STDIO_REDIRECT_TO_LOG: stdio goes to stdout and stderr, the helpers to the log', () => {
      const { run, logs } = hello(['-DSPEAR_DISABLE_STDIO_REDIRECT_TO_LOG']);
      assert.equal(run.code, 0);
      assert.equal(run.stdout, 'hello from a hostwire guest\nputs line\n');
      assert.equal(run.stderr, 'fprintf to stderr\n');
      assert.deepEqual(logs, helperLogs);
    });

    const redirected = [
      'INFO hello from a hostwire guest\n',
      ...helperLogs,
      'INFO puts line\n',
      'ERROR fprintf to stderr\n',
    ];

    it('by default on wasm (as SPEAR\'s header): printf and puts log at INFO, fprintf(stderr) at ERROR', () => {
      const { run, logs } = hello([]);
      assert.equal(run.code, 0);
      assert.equal(run.stdout, '');
      assert.equal(run.stderr, '');
      assert.deepEqual(logs, redirected);
    });

    it('SPEAR_REDIRECT_STDIO_TO_LOG defined by hand redirects even beside SPEAR_DISABLE_STDIO_REDIRECT_TO_LOG, as SPEAR\'s header', () => {
      const { run, logs } = hello(['-DSPEAR_REDIRECT_STDIO_TO_LOG', '-DSPEAR_DISABLE_STDIO_REDIRECT_TO_LOG']);
      assert.equal(run.stdout, '');
      assert.deepEqual(logs, redirected);
    });
  });
});
