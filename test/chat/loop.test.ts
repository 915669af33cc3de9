/**
 * `runChat`: one model call, or the AUTO_TOOL_CALL loop, as SPEAR's
 * `src/spearlet/execution/host_api/cchat.rs` (`cchat_send`, `cchat_send_with_tools`) runs
 * them: limits, tool-failure messages, what is appended to the session, error bodies and the
 * GET_METRICS JSON.
 */
import assert from 'node:assert/strict';
import { ChatError } from '../../runtime/chat/errors';
import { runChat, type CallTool, type ChatRunResult, type ToolResult } from '../../runtime/chat/loop';
import { createStubBackend } from '../../runtime/chat/stub';
import type { ChatBackend, ChatRequest, SpearChatCompletion } from '../../runtime/chat/types';
import { call, scripted, textReply, toolReply } from './helpers/scripted';

const SUM_SPEC = { type: 'function', function: { name: 'sum', description: 'a+b', parameters: { type: 'object' } } };

function sumRequest(params: ChatRequest['params'] = {}, content = 'sum 7 35'): ChatRequest {
  return { requestId: 'chatcmpl_1000', messages: [{ role: 'user', content }], tools: [{ fnOffset: 123, spec: SUM_SPEC }], params };
}

interface ToolLog {
  calls: Array<[number, string, string]>;
  callTool: CallTool;
}

/** A callTool that records its calls and answers from `answer` (default: rc 0, `{"sum":N}`). */
function tools(answer?: (name: string, args: string) => ToolResult): ToolLog {
  const calls: Array<[number, string, string]> = [];
  return {
    calls,
    callTool: (fnOffset, name, args) => {
      calls.push([fnOffset, name, args]);
      if (answer) return Promise.resolve(answer(name, args));
      const { a, b } = JSON.parse(args) as { a: number; b: number };
      return Promise.resolve({ rc: 0, output: JSON.stringify({ sum: a + b }) });
    },
  };
}

/** The completion a run ended with. */
function done(r: ChatRunResult): SpearChatCompletion {
  assert.ok(!('error' in r.response), `an error body: ${JSON.stringify(r.response)}`);
  return r.response as unknown as SpearChatCompletion;
}

async function chatError(p: Promise<unknown>): Promise<ChatError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof ChatError, `expected a ChatError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected a rejection');
}

const TOOL_LIMIT_ITER = { error: { code: 'tool_call_limit', message: 'exceeded max_iterations' } };
const TOOL_LIMIT_TOTAL = { error: { code: 'tool_call_limit', message: 'exceeded max_total_tool_calls' } };

describe('runChat with the stub backend (SPEAR host_api/tests.rs)', () => {
  const stub = createStubBackend();

  // SPEAR host_api/tests.rs test_cchat_send_auto_tool_call_loop_stub_backend
  it('AUTO_TOOL_CALL: "sum 7 35" calls tool 123 with {"a":7,"b":35} once and ends "stub chat completion after tool"', async () => {
    const t = tools();
    const r = await runChat(sumRequest(), stub, t.callTool, { autoToolCall: true });
    assert.deepEqual(t.calls, [[123, 'sum', '{"a":7,"b":35}']]);
    const c = done(r);
    assert.equal(
      JSON.stringify({ ...c, created: 0 }),
      '{"id":"chatcmpl_1000","object":"chat.completion","created":0,"model":"",' +
        '"choices":[{"index":0,"message":{"role":"assistant","content":"stub chat completion after tool"},"finish_reason":"stop"}],' +
        '"_spear":{"backend":"stub","model":""}}',
    );
    assert.deepEqual(r.appended, [
      { role: 'assistant', content: null, tool_calls: [call('call_stub_1', 'sum', '{"a":7,"b":35}')] },
      { role: 'tool', content: '{"sum":42}', tool_call_id: 'call_stub_1' },
      { role: 'assistant', content: 'stub chat completion after tool' },
    ]);
    assert.equal(r.usage, undefined, 'no ENABLE_METRICS: no GET_METRICS JSON');
  });

  // SPEAR host_api/tests.rs test_cchat_send_pipeline_stub_backend
  it('without AUTO_TOOL_CALL: one model call, its tool calls unrun, nothing appended to the session', async () => {
    const t = tools();
    const r = await runChat(sumRequest(), stub, t.callTool);
    assert.equal(t.calls.length, 0);
    assert.equal(done(r).choices[0].finish_reason, 'tool_calls');
    assert.deepEqual(r.appended, []);
    const plain = await runChat({ messages: [{ role: 'user', content: 'sum 7 35' }], tools: [], params: {} }, stub, t.callTool);
    assert.equal(done(plain).choices[0].message.content, 'stub chat completion: sum 7 35');
  });

  it('_spear.model is the requested model, or the reply\'s when none was requested', async () => {
    const r = await runChat({ messages: [{ role: 'user', content: 'hi' }], tools: [], params: { model: 'tiny' } }, stub, tools().callTool);
    assert.equal(done(r).model, 'tiny');
    assert.deepEqual(done(r)._spear, { backend: 'stub', model: 'tiny' });
    const s = await runChat({ messages: [], tools: [], params: {} }, scripted([textReply('x')], 'scripted', null), tools().callTool);
    assert.deepEqual(done(s)._spear, { backend: 'scripted', model: 'script-model' });
  });

  it('ENABLE_METRICS: GET_METRICS is {prompt_tokens: messages of the last model call, completion_tokens: 1, total}', async () => {
    const r = await runChat(sumRequest(), stub, tools().callTool, { autoToolCall: true, metrics: true });
    assert.deepEqual(r.usage, { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 });
    const one = await runChat(sumRequest(), stub, tools().callTool, { metrics: true });
    assert.deepEqual(one.usage, { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 });
    const limited = await runChat(sumRequest({ max_iterations: 0 }), stub, tools().callTool, { autoToolCall: true, metrics: true });
    assert.deepEqual(limited.usage, {}, 'an error body has {} metrics');
  });

  it('max_iterations=1: the tool runs, then the response is the max_iterations error; the session keeps what ran', async () => {
    const t = tools();
    const r = await runChat(sumRequest({ max_iterations: 1 }), stub, t.callTool, { autoToolCall: true });
    assert.equal(t.calls.length, 1);
    assert.deepEqual(r.response, TOOL_LIMIT_ITER);
    assert.deepEqual(
      r.appended.map((m) => m.role),
      ['assistant', 'tool'],
    );
  });

  it('max_iterations=0: the max_iterations error before any model call', async () => {
    const b = scripted([textReply('x')]);
    const r = await runChat(sumRequest({ max_iterations: 0 }), b, tools().callTool, { autoToolCall: true });
    assert.deepEqual(r.response, TOOL_LIMIT_ITER);
    assert.equal(b.requests.length, 0);
  });

  it('max_total_tool_calls=0: the assistant message is appended, no tool runs, the max_total_tool_calls error', async () => {
    const t = tools();
    const r = await runChat(sumRequest({ max_total_tool_calls: 0 }), stub, t.callTool, { autoToolCall: true });
    assert.equal(t.calls.length, 0);
    assert.deepEqual(r.response, TOOL_LIMIT_TOTAL);
    assert.deepEqual(
      r.appended.map((m) => m.role),
      ['assistant'],
    );
  });

  it('a tool rc other than 0 (negative or positive) gives {"error":{"code":"tool_exec_failed","message":"tool rc: RC"}}', async () => {
    for (const rc of [-22, 7]) {
      const r = await runChat(sumRequest(), stub, tools(() => ({ rc, output: 'ignored' })).callTool, { autoToolCall: true });
      assert.equal(r.appended[1].content, `{"error":{"code":"tool_exec_failed","message":"tool rc: ${rc}"}}`);
      assert.equal(done(r).choices[0].message.content, 'stub chat completion after tool');
    }
  });

  it('does not change the request it was given', async () => {
    const req = sumRequest();
    const before = JSON.stringify(req);
    await runChat(req, stub, tools().callTool, { autoToolCall: true });
    assert.equal(JSON.stringify(req), before);
  });
});

describe('runChat tool loop (SPEAR cchat_send_with_tools)', () => {
  const req = (params: ChatRequest['params'] = {}): ChatRequest => ({
    messages: [{ role: 'user', content: 'go' }],
    tools: [
      { fnOffset: 1, spec: { type: 'function', function: { name: 'a' } } },
      { fnOffset: 2, spec: { name: 'b', parameters: { type: 'object' } } },
      { fnOffset: 3, spec: { type: 'function', function: { name: 'a' } } },
    ],
    params,
  });
  const echo = (): ToolLog => tools((name, args) => ({ rc: 0, output: `${name}:${args}` }));

  it('runs every call of a reply in order (a flat "name" registers too; the first registration of a name wins)', async () => {
    const b = scripted([toolReply(call('c1', 'a', '{"x":1}'), call('c2', 'b', '{"y":2}')), textReply('done')]);
    const t = echo();
    const r = await runChat(req(), b, t.callTool, { autoToolCall: true });
    assert.deepEqual(t.calls, [
      [1, 'a', '{"x":1}'],
      [2, 'b', '{"y":2}'],
    ]);
    assert.deepEqual(b.requests[1].messages.slice(1), [
      { role: 'assistant', content: null, tool_calls: [call('c1', 'a', '{"x":1}'), call('c2', 'b', '{"y":2}')] },
      { role: 'tool', content: 'a:{"x":1}', tool_call_id: 'c1' },
      { role: 'tool', content: 'b:{"y":2}', tool_call_id: 'c2' },
    ]);
    assert.equal(done(r).choices[0].message.content, 'done');
    assert.deepEqual(r.appended.at(-1), { role: 'assistant', content: 'done' });
  });

  it('an unknown tool name gets {"error":{"code":"unknown_tool","message":"unknown tool: NAME"}} and the loop continues', async () => {
    const b = scripted([toolReply(call('c1', 'nope')), textReply('ok')]);
    const r = await runChat(req(), b, echo().callTool, { autoToolCall: true });
    assert.equal(r.appended[1].content, '{"error":{"code":"unknown_tool","message":"unknown tool: nope"}}');
    assert.equal(done(r).choices[0].message.content, 'ok');
  });

  it('max_tool_calls stands for max_total_tool_calls when that is absent: the call past it ends the run', async () => {
    const b = scripted([toolReply(call('c1', 'a'), call('c2', 'b')), textReply('never')]);
    const t = echo();
    const r = await runChat(req({ max_tool_calls: 1 }), b, t.callTool, { autoToolCall: true });
    assert.equal(t.calls.length, 1);
    assert.deepEqual(r.response, TOOL_LIMIT_TOTAL);
    assert.deepEqual(
      r.appended.map((m) => m.role),
      ['assistant', 'tool'],
    );
    const both = await runChat(req({ max_total_tool_calls: 5, max_tool_calls: 1 }), scripted([toolReply(call('c1', 'a'), call('c2', 'b')), textReply('x')]), echo().callTool, {
      autoToolCall: true,
    });
    assert.equal(done(both).choices[0].message.content, 'x');
  });

  it('limits: default max_total_tool_calls 32 (the 33rd call ends the run)', async () => {
    const b = scripted([toolReply(call('c', 'a'))]);
    const t = echo();
    const r = await runChat(req({ max_iterations: 100 }), b, t.callTool, { autoToolCall: true });
    assert.equal(t.calls.length, 32);
    assert.equal(b.requests.length, 33);
    assert.deepEqual(r.response, TOOL_LIMIT_TOTAL);
  });

  it('limits: default max_iterations 8; a value that is not a non-negative integer is the default; capped at 128', async () => {
    for (const [params, calls] of [
      [{}, 8],
      [{ max_iterations: -1 }, 8],
      [{ max_iterations: '3' }, 8],
      [{ max_iterations: 2.5 }, 8],
      [{ max_iterations: 1000 }, 128],
    ] as Array<[ChatRequest['params'], number]>) {
      const b = scripted([toolReply(call('c', 'a'))]);
      const r = await runChat(req({ ...params, max_total_tool_calls: 10_000 }), b, echo().callTool, { autoToolCall: true });
      assert.equal(b.requests.length, calls, JSON.stringify(params));
      assert.deepEqual(r.response, TOOL_LIMIT_ITER);
    }
  });

  it('passes the tools as registered, params, timeout_ms and the request id to the backend', async () => {
    const b = scripted([textReply('x')]);
    await runChat(
      { ...req({ model: 'm2', max_tokens: 50, temperature: 0.5, response_format: 'json_object', timeout_ms: 1234, custom_key: 'kept' }), requestId: 'chatcmpl_7' },
      b,
      echo().callTool,
    );
    assert.deepEqual(b.requests[0], {
      request_id: 'chatcmpl_7',
      model: 'm2',
      messages: [{ role: 'user', content: 'go' }],
      tools: [
        { type: 'function', function: { name: 'a' } },
        { name: 'b', parameters: { type: 'object' } },
        { type: 'function', function: { name: 'a' } },
      ],
      max_tokens: 50,
      temperature: 0.5,
      response_format: { type: 'json_object' },
    });
    assert.equal(b.options[0].timeoutMs, 1234);
  });
});

describe('runChat failures', () => {
  const req: ChatRequest = { messages: [{ role: 'user', content: 'hi' }], tools: [], params: {} };
  const never: CallTool = () => Promise.reject(new Error('not expected'));
  const failing = (e: unknown): ChatBackend => ({ name: 'failing', defaultModel: 'm', complete: () => Promise.reject(e) });

  it('a failed model call is a readable response {"error":{"message":...}}, as SPEAR', async () => {
    const r = await runChat(req, failing(new ChatError('ETIMEDOUT', 'slow')), never, { metrics: true });
    assert.deepEqual(r.response, { error: { message: 'ETIMEDOUT: slow' } });
    assert.deepEqual(r.usage, {});
    const boom = await runChat(req, failing(new Error('boom')), never);
    assert.deepEqual(boom.response, { error: { message: "EIO: chat backend 'failing': boom" } });
  });

  it('a reply that is not a chat completion is an error body too', async () => {
    const noChoices = { ...textReply('x'), choices: [] };
    const bad: ChatBackend = { name: 'bad', defaultModel: 'm', complete: () => Promise.resolve(noChoices) };
    const r = await runChat(req, bad, never);
    assert.deepEqual(r.response, { error: { message: `EPROTO: chat backend 'bad': not a chat completion: "choices" is not a non-empty array` } });
  });

  it('a callTool that throws (the guest ended) rejects the run with its errno', async () => {
    const b = scripted([toolReply(call('c', 'a'))]);
    const r: ChatRequest = { ...req, tools: [{ fnOffset: 1, spec: { type: 'function', function: { name: 'a' } } }] };
    const e = await chatError(runChat(r, b, () => Promise.reject(new ChatError('ECANCELED', 'the guest ended')), { autoToolCall: true }));
    assert.equal(e.code, 'ECANCELED');
    assert.equal(e.message, 'ECANCELED: the guest ended');
  });

  it('an aborted signal is ECANCELED', async () => {
    const ac = new AbortController();
    ac.abort();
    const e = await chatError(runChat(req, createStubBackend(), never, { signal: ac.signal }));
    assert.equal(e.code, 'ECANCELED');
  });
});
