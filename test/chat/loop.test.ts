/** `runChat`: one model call, or the AUTO_TOOL_CALL loop with its limits, tool errors and metrics. */
import assert from 'node:assert/strict';
import { ChatError } from '../../runtime/chat/errors';
import { runChat, type CallTool, type ToolResult } from '../../runtime/chat/loop';
import { createStubBackend } from '../../runtime/chat/stub';
import type { ChatBackend, ChatRequest } from '../../runtime/chat/types';
import { call, scripted, textReply, toolReply } from './helpers/scripted';

const SUM_SPEC = { type: 'function', function: { name: 'sum', description: 'a+b', parameters: { type: 'object' } } };

function sumRequest(params: ChatRequest['params'] = {}): ChatRequest {
  return { messages: [{ role: 'user', content: 'what is 7 + 35?' }], tools: [{ fnOffset: 3, spec: SUM_SPEC }], params };
}

interface ToolLog {
  calls: Array<[number, string, string]>;
  callTool: CallTool;
}

/** A callTool that records its calls and answers from `answer` (default: the sum as `{"sum":N}`). */
function tools(answer?: (name: string, args: string) => ToolResult): ToolLog {
  const calls: Array<[number, string, string]> = [];
  return {
    calls,
    callTool: (fnOffset, name, args) => {
      calls.push([fnOffset, name, args]);
      if (answer) return Promise.resolve(answer(name, args));
      const { a, b } = JSON.parse(args) as { a: number; b: number };
      const output = JSON.stringify({ sum: a + b });
      return Promise.resolve({ rc: output.length, output });
    },
  };
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

describe('runChat with the stub backend', () => {
  const stub = createStubBackend();

  it('AUTO_TOOL_CALL: sum(7, 35) runs the guest tool and ends with its output', async () => {
    const t = tools();
    const r = await runChat(sumRequest(), stub, t.callTool, { autoToolCall: true });
    assert.deepEqual(t.calls, [[3, 'sum', '{"a":7,"b":35}']]);
    assert.equal(r.response.choices[0].message.content, 'stub chat completion after tool: {"sum":42}');
    assert.equal(r.response.choices[0].finish_reason, 'stop');
    assert.ok(JSON.stringify(r.response).endsWith(',"_spear":{"backend":"stub","model":"stub","iterations":2,"tool_calls":1}}'));
    assert.deepEqual(
      r.messages.map((m) => [m.role, m.content, m.tool_call_id ?? null]),
      [
        ['user', 'what is 7 + 35?', null],
        ['assistant', null, null],
        ['tool', '{"sum":42}', 'call_stub_1'],
        ['assistant', 'stub chat completion after tool: {"sum":42}', null],
      ],
    );
    assert.deepEqual(r.messages[1].tool_calls, [call('call_stub_1', 'sum', '{"a":7,"b":35}')]);
  });

  it('without AUTO_TOOL_CALL makes one model call and returns its tool calls unrun', async () => {
    const t = tools();
    const r = await runChat(sumRequest(), stub, t.callTool);
    assert.equal(t.calls.length, 0);
    assert.equal(r.response.choices[0].finish_reason, 'tool_calls');
    assert.deepEqual(r.response._spear, { backend: 'stub', model: 'stub', iterations: 1, tool_calls: 0 });
  });

  it('the model param overrides the backend default and is echoed', async () => {
    const r = await runChat({ messages: [{ role: 'user', content: 'hi' }], tools: [], params: { model: 'tiny' } }, stub, tools().callTool);
    assert.equal(r.response.model, 'tiny');
    assert.equal(r.response._spear.model, 'tiny');
    assert.equal(r.response.choices[0].message.content, 'stub chat completion: hi');
  });

  it('max_iterations=1 stops after one model call with the reply and stopped: "max_iterations"', async () => {
    const t = tools();
    const r = await runChat(sumRequest({ max_iterations: 1 }), stub, t.callTool, { autoToolCall: true });
    assert.equal(t.calls.length, 0);
    assert.equal(r.response.choices[0].finish_reason, 'tool_calls');
    assert.deepEqual(r.response._spear, { backend: 'stub', model: 'stub', iterations: 1, tool_calls: 0, stopped: 'max_iterations' });
    assert.equal(r.metrics.stopped, 'max_iterations');
    assert.deepEqual(r.messages, sumRequest().messages, 'the unanswered tool calls are not added to the conversation');
  });

  it('max_total_tool_calls=0 stops at the first reply that asks for a tool', async () => {
    const t = tools();
    const r = await runChat(sumRequest({ max_total_tool_calls: 0 }), stub, t.callTool, { autoToolCall: true });
    assert.equal(t.calls.length, 0);
    assert.deepEqual(r.response._spear, { backend: 'stub', model: 'stub', iterations: 1, tool_calls: 0, stopped: 'max_total_tool_calls' });
  });

  it('a tool returning a negative rc gives the model {"error": errno name}', async () => {
    const r = await runChat(sumRequest(), stub, tools(() => ({ rc: -22, output: '' })).callTool, { autoToolCall: true });
    assert.equal(r.response.choices[0].message.content, 'stub chat completion after tool: {"error":"EINVAL"}');
    assert.equal(r.metrics.tool_errors, 1);
  });

  it('cuts a long tool output to max_tool_output_bytes with a marker', async () => {
    const r = await runChat(sumRequest({ max_tool_output_bytes: 4 }), stub, tools(() => ({ rc: 6, output: 'abcdef' })).callTool, {
      autoToolCall: true,
    });
    assert.equal(r.response.choices[0].message.content, 'stub chat completion after tool: abcd\n[truncated: 4 of 6 bytes]');
    assert.equal(r.metrics.tools[0].truncated, true);
    assert.equal(r.metrics.tools[0].output_bytes, 6);
  });

  it('metrics: latency per model and tool call from the clock, iterations, tool calls and token usage', async () => {
    let t = 0;
    const clock = (): number => (t += 10);
    const r = await runChat(sumRequest(), stub, tools().callTool, { autoToolCall: true, clock });
    const m = r.metrics;
    assert.equal(m.backend, 'stub');
    assert.equal(m.model, 'stub');
    assert.equal(m.iterations, 2);
    assert.equal(m.tool_calls, 1);
    assert.deepEqual(
      m.model_calls.map((c) => [c.latency_ms, c.finish_reason, c.tool_calls]),
      [
        [10, 'tool_calls', 1],
        [10, 'stop', 0],
      ],
    );
    assert.deepEqual(m.tools, [{ name: 'sum', latency_ms: 10, rc: 10, output_bytes: 10, truncated: false }]);
    assert.equal(m.latency_ms, 70);
    const sum = (k: 'prompt_tokens' | 'completion_tokens' | 'total_tokens'): number => m.model_calls.reduce((n, c) => n + c[k], 0);
    assert.deepEqual(m.usage, { prompt_tokens: sum('prompt_tokens'), completion_tokens: sum('completion_tokens'), total_tokens: sum('total_tokens') });
    assert.deepEqual([m.model_calls[0].prompt_tokens, m.model_calls[0].completion_tokens], [4, 4]);
    assert.equal(m.error, undefined);
  });

  it('does not change the request it was given', async () => {
    const req = sumRequest();
    const before = JSON.stringify(req);
    await runChat(req, stub, tools().callTool, { autoToolCall: true });
    assert.equal(JSON.stringify(req), before);
  });
});

describe('runChat tool loop limits and tool errors', () => {
  const req = (params: ChatRequest['params'] = {}): ChatRequest => ({
    messages: [{ role: 'user', content: 'go' }],
    tools: [
      { fnOffset: 1, spec: { type: 'function', function: { name: 'a' } } },
      { fnOffset: 2, spec: { name: 'b', parameters: { type: 'object' } } },
    ],
    params,
  });
  const echo = (): ToolLog => tools((name, args) => ({ rc: 0, output: `${name}:${args}` }));
  const toolMessages = (b: ReturnType<typeof scripted>, i: number): Array<[string | undefined, string | null]> =>
    b.requests[i].messages.filter((m) => m.role === 'tool').map((m) => [m.tool_call_id, m.content]);

  it('runs every call of a reply in order, answering each by tool_call_id', async () => {
    const b = scripted([toolReply(call('c1', 'a', '{"x":1}'), call('c2', 'b', '{"y":2}')), textReply('done')]);
    const t = echo();
    const r = await runChat(req(), b, t.callTool, { autoToolCall: true });
    assert.deepEqual(t.calls, [
      [1, 'a', '{"x":1}'],
      [2, 'b', '{"y":2}'],
    ]);
    assert.deepEqual(toolMessages(b, 1), [
      ['c1', 'a:{"x":1}'],
      ['c2', 'b:{"y":2}'],
    ]);
    assert.deepEqual(b.requests[1].messages[1], { role: 'assistant', content: null, tool_calls: [call('c1', 'a', '{"x":1}'), call('c2', 'b', '{"y":2}')] });
    assert.deepEqual(r.response._spear, { backend: 'scripted', model: 'script-model', iterations: 2, tool_calls: 2 });
    assert.equal(r.response.choices[0].message.content, 'done');
  });

  it('an unknown tool name gets an error tool message and the loop continues', async () => {
    const b = scripted([toolReply(call('c1', 'nope')), textReply('recovered')]);
    const t = echo();
    const r = await runChat(req(), b, t.callTool, { autoToolCall: true });
    assert.equal(t.calls.length, 0);
    assert.deepEqual(toolMessages(b, 1), [['c1', '{"error":"unknown_tool","tool":"nope"}']]);
    assert.equal(r.response.choices[0].message.content, 'recovered');
    assert.equal(r.metrics.tool_calls_skipped, 1);
  });

  it('an rc outside the errno table is reported as its number', async () => {
    const b = scripted([toolReply(call('c1', 'a')), textReply('ok')]);
    await runChat(req(), b, tools(() => ({ rc: -999, output: 'ignored' })).callTool, { autoToolCall: true });
    assert.deepEqual(toolMessages(b, 1), [['c1', '{"error":"rc -999"}']]);
  });

  it('max_tool_calls: calls of one reply past the limit are answered with an error, not run', async () => {
    const b = scripted([toolReply(call('c1', 'a'), call('c2', 'b'), call('c3', 'a')), textReply('ok')]);
    const t = echo();
    const r = await runChat(req({ max_tool_calls: 1 }), b, t.callTool, { autoToolCall: true });
    assert.deepEqual(t.calls, [[1, 'a', '{}']]);
    assert.deepEqual(toolMessages(b, 1), [
      ['c1', 'a:{}'],
      ['c2', '{"error":"max_tool_calls","limit":1}'],
      ['c3', '{"error":"max_tool_calls","limit":1}'],
    ]);
    assert.equal(r.response._spear.stopped, undefined);
    assert.equal(r.response._spear.tool_calls, 1);
  });

  it('max_total_tool_calls: calls past the budget get an error; a later reply asking for tools stops the run', async () => {
    const b = scripted([toolReply(call('c1', 'a'), call('c2', 'b'), call('c3', 'a')), toolReply(call('c4', 'b')), textReply('never')]);
    const t = echo();
    const r = await runChat(req({ max_total_tool_calls: 2 }), b, t.callTool, { autoToolCall: true });
    assert.equal(t.calls.length, 2);
    assert.deepEqual(toolMessages(b, 1)[2], ['c3', '{"error":"max_total_tool_calls","limit":2}']);
    assert.equal(b.requests.length, 2);
    assert.deepEqual(r.response.choices[0].message.tool_calls, [call('c4', 'b')]);
    assert.deepEqual(r.response._spear, { backend: 'scripted', model: 'script-model', iterations: 2, tool_calls: 2, stopped: 'max_total_tool_calls' });
  });

  it('max_iterations bounds a model that always asks for tools', async () => {
    const b = scripted([toolReply(call('c', 'a'))]);
    const t = echo();
    const r = await runChat(req({ max_iterations: 3 }), b, t.callTool, { autoToolCall: true });
    assert.equal(b.requests.length, 3);
    assert.equal(t.calls.length, 2);
    assert.deepEqual(r.response._spear, { backend: 'scripted', model: 'script-model', iterations: 3, tool_calls: 2, stopped: 'max_iterations' });
  });

  it('the default max_iterations is 8', async () => {
    const b = scripted([toolReply(call('c', 'a'))]);
    const r = await runChat(req(), b, echo().callTool, { autoToolCall: true });
    assert.equal(b.requests.length, 8);
    assert.equal(r.response._spear.stopped, 'max_iterations');
  });

  it('passes tools, params and timeout_ms to the backend', async () => {
    const b = scripted([textReply('x')]);
    await runChat(req({ model: 'm2', max_tokens: 50, temperature: 0.5, response_format: 'json_object', timeout_ms: 1234, custom_key: 'kept' }), b, echo().callTool);
    assert.deepEqual(b.requests[0], {
      model: 'm2',
      messages: [{ role: 'user', content: 'go' }],
      tools: [
        { type: 'function', function: { name: 'a' } },
        { type: 'function', function: { name: 'b', parameters: { type: 'object' } } },
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

  it('a backend ChatError passes through with the metrics of the run', async () => {
    const e = await chatError(runChat(req, failing(new ChatError('ETIMEDOUT', 'slow')), never));
    assert.equal(e.code, 'ETIMEDOUT');
    assert.equal(e.errno, -110);
    assert.equal(e.metrics?.iterations, 0);
    assert.equal(e.metrics?.error, 'ETIMEDOUT');
  });

  it('any other backend error is EIO; one with an errno code keeps it', async () => {
    assert.equal((await chatError(runChat(req, failing(new Error('boom')), never))).code, 'EIO');
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    assert.equal((await chatError(runChat(req, failing(reset), never))).code, 'ECONNRESET');
  });

  it('a reply that is not a chat completion is EPROTO', async () => {
    const noChoices = { ...textReply('x'), choices: [] };
    const bad: ChatBackend = { name: 'bad', defaultModel: 'm', complete: () => Promise.resolve(noChoices) };
    const e = await chatError(runChat(req, bad, never));
    assert.equal(e.code, 'EPROTO');
    assert.equal(e.message, `EPROTO: chat backend 'bad': not a chat completion: "choices" is not a non-empty array`);
  });

  it('a callTool that throws ends the run with its errno (EIO when none), after the model call', async () => {
    const b = scripted([toolReply(call('c', 'a'))]);
    const r: ChatRequest = { ...req, tools: [{ fnOffset: 1, spec: { type: 'function', function: { name: 'a' } } }] };
    const e = await chatError(runChat(r, b, () => Promise.reject(new Error('guest trapped')), { autoToolCall: true }));
    assert.equal(e.code, 'EIO');
    assert.match(e.message, /tool 'a': guest trapped/);
    assert.equal(e.metrics?.iterations, 1);
  });

  it('an aborted signal is ECANCELED', async () => {
    const ac = new AbortController();
    ac.abort();
    const e = await chatError(runChat(req, createStubBackend(), never, { signal: ac.signal }));
    assert.equal(e.code, 'ECANCELED');
  });

  it('bad params, messages, tools or no model are EINVAL before any model call', async () => {
    const b = scripted([textReply('x')], 'nomodel', null);
    const cases: Array<[ChatRequest, RegExp]> = [
      [{ ...req, params: { max_iterations: 0 } }, /max_iterations/],
      [{ ...req, params: { temperature: 'hot' as never } }, /temperature/],
      [{ ...req, params: { model: 'm', timeout_ms: 1.5 } }, /timeout_ms/],
      [req, /no model/],
      [{ ...req, params: { model: 'm' }, messages: [{ role: 'robot' as never, content: 'x' }] }, /role/],
      [{ ...req, params: { model: 'm' }, tools: [{ fnOffset: 0, spec: { type: 'function', function: { description: 'no name' } } }] }, /tool JSON/],
    ];
    for (const [r, re] of cases) {
      const e = await chatError(runChat(r, b, never));
      assert.equal(e.code, 'EINVAL', e.message);
      assert.match(e.message, re);
    }
    assert.equal(b.requests.length, 0);
  });
});
