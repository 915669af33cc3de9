/**
 * The `openai` backend against a local chat-completions server: the request it sends, tool
 * round trips through the loop, and the errno of each failure. Nothing here reads the clock.
 */
import assert from 'node:assert/strict';
import * as util from 'node:util';
import { ChatError } from '../../runtime/chat/errors';
import { runChat, type CallTool } from '../../runtime/chat/loop';
import { chatCompletionsUrl, createOpenAIBackend } from '../../runtime/chat/openai';
import type { BackendChatRequest, ChatBackend, ChatRequest, SpearChatCompletion } from '../../runtime/chat/types';
import { completion, sendJson, startFakeServer, unusedPort, type FakeServer } from './helpers/fake-openai';

const KEY = 'sk-test-9f8e7d6c5b4a-SECRET';
const never: CallTool = () => Promise.reject(new Error('no tool expected'));
const hello: ChatRequest = { messages: [{ role: 'user', content: 'hello' }], tools: [], params: { model: 'gpt-test' } };
const signal = (): AbortSignal => new AbortController().signal;

/** The completion a run ended with (it failed the test if the run ended with an error body). */
function done(r: { response: unknown }): SpearChatCompletion {
  assert.ok(typeof r.response === 'object' && r.response !== null && !('error' in r.response), `an error body: ${JSON.stringify(r.response)}`);
  return r.response as SpearChatCompletion;
}

/** One call of `b` for `req`, as the loop makes it (model and timeout_ms from the params). */
function ask(req: ChatRequest, b: ChatBackend): Promise<unknown> {
  const timeoutMs = typeof req.params.timeout_ms === 'number' ? req.params.timeout_ms : undefined;
  return b.complete({ model: String(req.params.model ?? ''), messages: req.messages }, { signal: signal(), timeoutMs });
}

/** Every place the key could leak from a failure: message, stack, inspection, JSON. */
function assertNoKey(e: unknown): void {
  for (const text of [String(e), (e as Error).stack ?? '', util.inspect(e, { depth: 10 }), JSON.stringify(e)]) {
    assert.ok(!text.includes(KEY), `the API key leaked: ${text}`);
  }
}

async function chatError(p: Promise<unknown>): Promise<ChatError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof ChatError, `expected a ChatError, got ${util.inspect(e)}`);
    assertNoKey(e);
    return e;
  }
  assert.fail('expected a rejection');
}

describe('openai backend', () => {
  let server: FakeServer;
  let backend: ChatBackend;

  before(async () => {
    server = await startFakeServer();
    backend = createOpenAIBackend({ baseUrl: server.baseUrl, apiKey: KEY });
  });
  after(() => server.close());
  beforeEach(() => {
    server.seen.length = 0;
  });

  it('POSTs the chat-completions body with the bearer key and returns the completion with _spear', async () => {
    server.handle((_req, res) => sendJson(res, 200, completion({ content: 'hi there' })));
    const req: ChatRequest = {
      messages: [
        { role: 'system', content: 'be brief' },
        { role: 'user', content: 'hello' },
      ],
      tools: [],
      params: { model: 'gpt-test', max_tokens: 20, temperature: 0, response_format: { type: 'json_object' } },
    };
    const r = await runChat(req, backend, never);
    assert.equal(server.seen.length, 1);
    const seen = server.seen[0];
    assert.equal(seen.method, 'POST');
    assert.equal(seen.url, '/v1/chat/completions');
    assert.equal(seen.headers.authorization, `Bearer ${KEY}`);
    assert.equal(seen.headers['content-type'], 'application/json');
    assert.deepEqual(seen.body, {
      model: 'gpt-test',
      messages: [
        { role: 'system', content: 'be brief' },
        { role: 'user', content: 'hello' },
      ],
      max_tokens: 20,
      temperature: 0,
      response_format: { type: 'json_object' },
    });
    assert.equal(done(r).choices[0].message.content, 'hi there');
    assert.equal(done(r).model, 'served-model');
    assert.deepEqual(done(r)._spear, { backend: 'openai', model: 'gpt-test' });
    assert.deepEqual(r.metrics.usage, { prompt_tokens: 11, completion_tokens: 5, total_tokens: 16 });
    assert.ok(!JSON.stringify(r).includes(KEY));
  });

  it('round-trips tool calls through the loop', async () => {
    server.handle((req, res) => {
      const body = req.body as BackendChatRequest;
      const tool = body.messages.find((m) => m.role === 'tool');
      if (tool === undefined) {
        sendJson(res, 200, completion({ content: null, tool_calls: [{ id: 'call_a', type: 'function', function: { name: 'sum', arguments: '{"a":2,"b":3}' } }] }, 'tool_calls'));
      } else {
        sendJson(res, 200, completion({ content: `the tool said ${tool.content ?? ''}` }));
      }
    });
    const spec = { type: 'function', function: { name: 'sum', parameters: { type: 'object', properties: { a: { type: 'integer' }, b: { type: 'integer' } } } } };
    const calls: string[] = [];
    const r = await runChat(
      { messages: [{ role: 'user', content: 'add 2 and 3' }], tools: [{ fnOffset: 7, spec }], params: { model: 'gpt-test' } },
      backend,
      (fnOffset, name, args) => {
        calls.push(`${fnOffset} ${name} ${args}`);
        return Promise.resolve({ rc: 0, output: '{"sum":5}' });
      },
      { autoToolCall: true },
    );
    assert.deepEqual(calls, ['7 sum {"a":2,"b":3}']);
    assert.equal(server.seen.length, 2);
    const first = server.seen[0].body as BackendChatRequest;
    assert.deepEqual(first.tools, [spec]);
    const second = server.seen[1].body as BackendChatRequest;
    assert.deepEqual(second.messages, [
      { role: 'user', content: 'add 2 and 3' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_a', type: 'function', function: { name: 'sum', arguments: '{"a":2,"b":3}' } }] },
      { role: 'tool', content: '{"sum":5}', tool_call_id: 'call_a' },
    ]);
    assert.equal(done(r).choices[0].message.content, 'the tool said {"sum":5}');
    assert.deepEqual(done(r)._spear, { backend: 'openai', model: 'gpt-test' });
  });

  it('accepts tool-call arguments given as an object and turns them into a JSON string', async () => {
    server.handle((_req, res) =>
      sendJson(res, 200, completion({ content: null, tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: { x: 1 } } }] }, 'tool_calls')),
    );
    const reply = await backend.complete({ model: 'm', messages: [] }, { signal: signal() });
    assert.equal(reply.choices[0].message.tool_calls?.[0].function.arguments, '{"x":1}');
  });

  it('sends no Authorization header without a key, and appends to a base URL with a trailing slash', async () => {
    server.handle((_req, res) => sendJson(res, 200, completion({ content: 'ok' })));
    const keyless = createOpenAIBackend({ baseUrl: `${server.baseUrl}/`, defaultModel: 'local' });
    await runChat({ ...hello, params: {} }, keyless, never);
    assert.equal(server.seen[0].headers.authorization, undefined);
    assert.equal(server.seen[0].url, '/v1/chat/completions');
    assert.equal((server.seen[0].body as BackendChatRequest).model, 'local');
  });

  const statuses: Array<[number, string, number]> = [
    [401, 'EPERM', -1],
    [403, 'EPERM', -1],
    [400, 'EINVAL', -22],
    [404, 'EINVAL', -22],
    [422, 'EINVAL', -22],
    [429, 'EIO', -5],
    [500, 'EIO', -5],
    [503, 'EIO', -5],
  ];
  for (const [status, code, errno] of statuses) {
    it(`HTTP ${status} is ${code}`, async () => {
      server.handle((_req, res) => sendJson(res, status, { error: { message: `status ${status}`, type: 'x' } }));
      const e = await chatError(ask(hello, backend));
      assert.equal(e.code, code);
      assert.equal(e.errno, errno);
      assert.match(e.message, new RegExp(`HTTP ${status} .*: status ${status}$`));
    });
  }

  it('401 whose body echoes the key: EPERM, and the key is masked in the message', async () => {
    server.handle((_req, res) => sendJson(res, 401, { error: { message: `Incorrect API key provided: ${KEY}.` } }));
    const e = await chatError(ask(hello, backend));
    assert.equal(e.code, 'EPERM');
    assert.match(e.message, /Incorrect API key provided: \[redacted\]\./);
  });

  it('a server that never answers and timeout_ms: ETIMEDOUT', async () => {
    server.handle(() => undefined);
    const e = await chatError(ask({ ...hello, params: { model: 'gpt-test', timeout_ms: 100 } }, backend));
    assert.equal(e.code, 'ETIMEDOUT');
    assert.equal(e.errno, -110);
  });

  it('a server that sends headers and then stalls the body: ETIMEDOUT', async () => {
    server.handle((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"id":');
    });
    const e = await chatError(backend.complete({ model: 'm', messages: [] }, { signal: signal(), timeoutMs: 100 }));
    assert.equal(e.code, 'ETIMEDOUT');
  });

  it('the caller aborting: ECANCELED', async () => {
    server.handle(() => undefined);
    const ac = new AbortController();
    const p = backend.complete({ model: 'm', messages: [] }, { signal: ac.signal, timeoutMs: 60_000 });
    setImmediate(() => ac.abort());
    const e = await chatError(p);
    assert.equal(e.code, 'ECANCELED');
  });

  it('the server closing the socket: ECONNRESET', async () => {
    server.handle((req, res) => res.socket?.destroy());
    const e = await chatError(ask(hello, backend));
    assert.equal(e.code, 'ECONNRESET');
    assert.equal(e.errno, -104);
  });

  it('the socket closing in the middle of the body: ECONNRESET', async () => {
    server.handle((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      res.write('{"id":"x",', () => res.socket?.destroy());
    });
    const e = await chatError(ask(hello, backend));
    assert.equal(e.code, 'ECONNRESET');
  });

  it('a body that is not JSON: EPROTO', async () => {
    server.handle((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html>gateway</html>');
    });
    const e = await chatError(ask(hello, backend));
    assert.equal(e.code, 'EPROTO');
    assert.equal(e.errno, -71);
    assert.match(e.message, /not JSON/);
  });

  it('JSON that is not a chat completion: EPROTO', async () => {
    for (const body of [{ error: { message: 'oops' } }, { ...completion({ content: 'x' }), object: 'text_completion' }, [1, 2]]) {
      server.handle((_req, res) => sendJson(res, 200, body));
      const e = await chatError(ask(hello, backend));
      assert.equal(e.code, 'EPROTO', e.message);
      assert.match(e.message, /not a chat completion/);
    }
  });

  it('a redirect is not followed: EPROTO', async () => {
    server.handle((_req, res) => {
      res.writeHead(307, { location: 'http://127.0.0.1:1/elsewhere' });
      res.end();
    });
    const e = await chatError(ask(hello, backend));
    assert.equal(e.code, 'EPROTO');
    assert.match(e.message, /HTTP 307 .*redirect not followed/);
  });

  it('a body over maxResponseBytes: EPROTO', async () => {
    server.handle((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(completion({ content: 'x'.repeat(4096) })));
    });
    const small = createOpenAIBackend({ baseUrl: server.baseUrl, apiKey: KEY, maxResponseBytes: 1024 });
    const e = await chatError(small.complete({ model: 'm', messages: [] }, { signal: signal() }));
    assert.equal(e.code, 'EPROTO');
    assert.match(e.message, /1024-byte limit/);
  });

  it('an unreachable port: ECONNRESET', async () => {
    const port = await unusedPort();
    const dead = createOpenAIBackend({ baseUrl: `http://127.0.0.1:${port}/v1`, apiKey: KEY });
    const e = await chatError(ask(hello, dead));
    assert.equal(e.code, 'ECONNRESET');
    assert.match(e.message, /ECONNREFUSED/);
  });

  it('holds the key in no property: inspecting the backend shows no key', () => {
    assert.ok(!util.inspect(backend, { depth: 10, showHidden: true }).includes(KEY));
    assert.ok(!JSON.stringify(backend).includes(KEY));
  });
});

describe('openai backend URL', () => {
  it('is {baseUrl}/chat/completions', () => {
    assert.equal(chatCompletionsUrl('https://api.example.com/v1').href, 'https://api.example.com/v1/chat/completions');
    assert.equal(chatCompletionsUrl('http://127.0.0.1:8080/v1//').href, 'http://127.0.0.1:8080/v1/chat/completions');
    assert.equal(chatCompletionsUrl('http://127.0.0.1:8080').href, 'http://127.0.0.1:8080/chat/completions');
  });

  it('rejects a URL that is not http(s), is malformed, or carries credentials: EINVAL', () => {
    for (const bad of ['ftp://example.com/v1', 'not a url', `https://user:${KEY}@example.com/v1`]) {
      assert.throws(
        () => createOpenAIBackend({ baseUrl: bad, apiKey: KEY }),
        (e: unknown) => e instanceof ChatError && e.code === 'EINVAL' && !e.message.includes(KEY),
        bad,
      );
    }
  });
});
