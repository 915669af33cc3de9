/**
 * The SPEAR-style samples of examples/c run by `hostwire run` with the stub backend: their
 * stdout and log lines, the chat response byte for byte, and the tool loop really calling the
 * guest's `sum` (7 + 35 = 42 reaches the final answer only through it).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { createStubBackend, runChat, type ChatParams, type ChatRequest } from '../../runtime/chat';
import { buildExample, EXPORT_TABLE, lines, runCli, STDIO_TO_STDOUT, tmpDir } from './helpers';

/** The response the host gives for `request` with the stub backend, as `cchat_recv` returns it. */
async function stubResponse(request: ChatRequest, autoToolCall: boolean, toolOutput?: string): Promise<string> {
  const r = await runChat(request, createStubBackend(), async () => ({ rc: 0, output: toolOutput ?? '' }), { autoToolCall });
  return JSON.stringify(r.response);
}

describe('guest host: the examples/c samples via hostwire run', () => {
  let dir: string;
  before(() => {
    dir = tmpDir('samples');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('hello.c built with SPEAR_DISABLE_STDIO_REDIRECT_TO_LOG: stdout, then each log line with its level on stderr, in program order', async () => {
    const r = await runCli(['run', buildExample('hello', dir)]);
    assert.equal(r.stdout, 'hello from a hostwire guest\nputs line\n');
    const err = lines(r.stderr);
    assert.equal(err.length, 5);
    assert.deepEqual([err[0], err[1], err[3], err[4]], [
      '[guest INFO] sp_infof: 2 + 3 = 5',
      '[guest WARN] sp_log_str at WARN',
      '[guest ERROR] sp_errorf: something failed',
      'fprintf to stderr',
    ]);
    assert.match(err[2], /^\[guest DEBUG\] sp_logf at DEBUG, monotonic clock \d+ ms$/);
    assert.equal(r.code, 0);
  });

  it("hello.c built as is (stdio to the log, the header's default as SPEAR's): printf and puts at INFO, fprintf(stderr) at ERROR", async () => {
    const r = await runCli(['run', buildExample('hello', dir, [])]);
    assert.equal(r.stdout, '');
    const err = lines(r.stderr);
    assert.equal(err[0], '[guest INFO] hello from a hostwire guest');
    assert.equal(err[5], '[guest INFO] puts line');
    assert.equal(err[6], '[guest ERROR] fprintf to stderr');
    assert.equal(r.code, 0);
  });

  it('chat_completion.c: the stub answer, byte for byte as the host produces it', async () => {
    const params: ChatParams = { model: 'stub-model', max_tokens: 128 };
    const expected = await stubResponse(
      {
        messages: [
          { role: 'system', content: 'You are terse.' },
          { role: 'user', content: 'Say hello.' },
        ],
        tools: [],
        params,
        requestId: 'chatcmpl_1000',
      },
      false,
    );
    const r = await runCli(['run', buildExample('chat_completion', dir)]);
    assert.equal(r.stderr, '');
    // The first 60 bytes stop at the first digit of `created` (Unix seconds, as SPEAR's stub).
    assert.equal(r.stdout, `response (${Buffer.byteLength(expected)} bytes): ${expected.slice(0, 60)}\n`);
    assert.equal(r.code, 0);
  });

  it("chat_tool_sum.c: AUTO_TOOL_CALL runs the guest's sum(7, 35); the final answer is SPEAR's stub text after a tool", async () => {
    const r = await runCli(['run', buildExample('chat_tool_sum', dir, [...EXPORT_TABLE, ...STDIO_TO_STDOUT])]);
    assert.equal(r.stderr, '');
    const m = /^chat response \((\d+) bytes\): (.*)\n$/s.exec(r.stdout);
    assert.ok(m, `unexpected stdout: ${r.stdout}`);
    const response = JSON.parse(m[2]) as { choices: { message: { content: string } }[]; _spear: Record<string, unknown> };
    assert.equal(Number(m[1]), Buffer.byteLength(m[2]));
    assert.equal(response.choices[0].message.content, 'stub chat completion after tool');
    assert.deepEqual(response._spear, { backend: 'stub', model: 'stub-model' });
    assert.equal(r.code, 0);
  });

  it('chat_tool_sum.c linked without --export-table: the tool call fails (tool rc: -5), the loop goes on, the host warns', async () => {
    const r = await runCli(['run', buildExample('chat_tool_sum', dir)]);
    assert.equal(
      r.stderr,
      'hostwire: warning: the guest exports no function table (__indirect_function_table), so its tools cannot be called: link it with -Wl,--export-table\n',
    );
    const response = JSON.parse(r.stdout.replace(/^chat response \(\d+ bytes\): /, '')) as { choices: { message: { content: string } }[] };
    assert.equal(response.choices[0].message.content, 'stub chat completion after tool');
    assert.equal(r.code, 0);
  });
});
