/**
 * `hostwire run --backend openai --backend-url http://127.0.0.1:PORT/v1` against a local
 * OpenAI-compatible server: the guest's conversation and tools reach the server, the guest's
 * tool runs between the two model calls, and the key goes only into the Authorization header.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { completion, sendJson, startFakeServer, type FakeServer } from '../chat/helpers/fake-openai';
import { buildExample, EXPORT_TABLE, runCli, STDIO_TO_STDOUT, tmpDir } from './helpers';

describe('guest host: the openai backend via hostwire run', () => {
  let dir: string;
  let server: FakeServer;
  before(async () => {
    dir = tmpDir('openai');
    server = await startFakeServer();
  });
  after(async () => {
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const env = (): NodeJS.ProcessEnv => ({ ...process.env, OPENAI_API_KEY: 'sk-test-secret', HOSTWIRE_OPENAI_BASE_URL: '', OPENAI_BASE_URL: '' });

  it('chat_tool_sum.c: a tool call from the server runs the guest sum, the result goes back, the final answer reaches the guest', async () => {
    server.seen.length = 0;
    server.handle((req, res) => {
      const body = req.body as { messages: { role: string; content: string | null }[] };
      const tool = body.messages.find((m) => m.role === 'tool');
      if (tool === undefined) {
        sendJson(res, 200, completion({ content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'sum', arguments: '{"a":19,"b":23}' } }] }, 'tool_calls'));
      } else {
        sendJson(res, 200, completion({ content: `the tool said ${tool.content}` }));
      }
    });
    const wasm = buildExample('chat_tool_sum', dir, [...EXPORT_TABLE, ...STDIO_TO_STDOUT]);
    const r = await runCli(['run', '--backend', 'openai', '--backend-url', server.baseUrl, wasm], { env: env() });
    assert.equal(r.stderr, '');
    const response = JSON.parse(r.stdout.replace(/^chat response \(\d+ bytes\): /, '')) as { choices: { message: { content: string } }[]; model: string; _spear: unknown };
    assert.equal(response.choices[0].message.content, 'the tool said {"sum":42}');
    assert.equal(response.model, 'served-model');
    assert.deepEqual(response._spear, { backend: 'openai', model: 'stub-model' });
    assert.equal(r.code, 0);

    assert.equal(server.seen.length, 2);
    for (const s of server.seen) {
      assert.equal(s.method, 'POST');
      assert.equal(s.url, '/v1/chat/completions');
      assert.equal(s.headers.authorization, 'Bearer sk-test-secret');
    }
    const first = server.seen[0].body as Record<string, unknown>;
    assert.equal(first.model, 'stub-model');
    assert.deepEqual(first.messages, [{ role: 'user', content: 'What is 7 + 35? Use the sum tool.' }]);
    assert.deepEqual((first.tools as { function: { name: string } }[]).map((t) => t.function.name), ['sum']);
    const second = server.seen[1].body as { messages: unknown[] };
    assert.deepEqual(second.messages.slice(1), [
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'sum', arguments: '{"a":19,"b":23}' } }] },
      { role: 'tool', tool_call_id: 'call_1', content: '{"sum":42}' },
    ]);
    assert.ok(!r.stdout.includes('sk-test-secret'));
  });

  it('chat_completion.c: a server error reaches the guest as a readable {"error":{"message":...}} body, as SPEAR', async () => {
    server.handle((_req, res) => sendJson(res, 500, { error: { message: 'overloaded' } }));
    const r = await runCli(['run', '--backend', 'openai', '--backend-url', server.baseUrl, buildExample('chat_completion', dir)], { env: env() });
    assert.match(r.stdout, /^response \(\d+ bytes\): \{"error":\{"message":"EIO: openai backend \(POST http:\/\/127\.0\.\n$/);
    assert.equal(r.code, 0);
  });
});
