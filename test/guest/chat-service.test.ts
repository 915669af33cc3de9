/**
 * The main thread's chat service (runtime/guest/chat-service.ts) over a fake bridge: a chat
 * request becomes a runChat with the host's backend; tool calls are posted as callbacks with
 * the session's arena and resolved by the worker's results; the answer completes the response
 * fd, a failure fails it with its errno; closing cancels what waits.
 */
import * as assert from 'node:assert/strict';
import { createChatBackends } from '../../runtime/chat';
import { Errno } from '../../generated/ts/errno';
import type { HostBridge } from '../../runtime/guest/bridge';
import { GuestChatService, parseBridgeChatRequest, toolPayload } from '../../runtime/guest/chat-service';

interface Calls {
  completed: { id: number; fd: number; response: Record<string, unknown>; metrics: string; appended: unknown[] }[];
  failed: { id: number; fd: number; errno: number }[];
  posted: { id: number; callbackId: number; payload: Record<string, unknown> }[];
}

function fakeBridge(postRc = 0): { bridge: HostBridge; calls: Calls; settled: Promise<void> } {
  const calls: Calls = { completed: [], failed: [], posted: [] };
  let done!: () => void;
  const settled = new Promise<void>((r) => (done = r));
  const bridge: HostBridge = {
    instanceId: () => assert.fail('instanceId is the worker\'s'),
    takeRequests: () => assert.fail('takeRequests is the worker\'s'),
    takeCallbacks: () => assert.fail('takeCallbacks is the worker\'s'),
    releaseInstance: () => assert.fail('releaseInstance is the worker\'s'),
    setMcpPolicy: () => assert.fail('setMcpPolicy is the worker\'s'),
    abortInstance: () => 0,
    rtasrConnects: () => assert.fail('rtasrConnects is the realtime-ASR service\'s'),
    rtasrAttach: () => assert.fail('rtasrAttach is the realtime-ASR service\'s'),
    rtasrTake: () => assert.fail('rtasrTake is the realtime-ASR service\'s'),
    rtasrPush: () => assert.fail('rtasrPush is the realtime-ASR service\'s'),
    rtasrFail: () => assert.fail('rtasrFail is the realtime-ASR service\'s'),
    rtasrHangup: () => assert.fail('rtasrHangup is the realtime-ASR service\'s'),
    streamPush: () => assert.fail('streamPush is the user-stream bridge\'s'),
    streamTake: () => assert.fail('streamTake is the user-stream bridge\'s'),
    streamClose: () => assert.fail('streamClose is the user-stream bridge\'s'),
    completeChat: (id, fd, bytes, metricsJson, appendJson) => {
      const appended = appendJson === undefined || appendJson === '' ? [] : (JSON.parse(appendJson) as unknown[]);
      calls.completed.push({ id, fd, response: JSON.parse(Buffer.from(bytes).toString('utf8')), metrics: metricsJson, appended });
      done();
      return 0;
    },
    failChat: (id, fd, errno) => {
      calls.failed.push({ id, fd, errno });
      done();
      return 0;
    },
    postCallback: (id, callbackId, payload) => {
      calls.posted.push({ id, callbackId, payload: JSON.parse(payload) });
      return postRc;
    },
  };
  return { bridge, calls, settled };
}

const SUM_TOOL = { type: 'function', function: { name: 'sum', parameters: { type: 'object' } } };

const request = (over: Record<string, unknown> = {}): string =>
  JSON.stringify({
    fd: 1000,
    messages: [{ role: 'user', content: 'What is 7 + 35?' }],
    tools: [{ fn_offset: 3, spec: SUM_TOOL }],
    params: { model: 'stub-model', tool_arena_ptr: 2048, tool_arena_len: 4096 },
    flags: 2,
    ...over,
  });

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('guest host: chat service over a fake bridge', () => {
  it('AUTO_TOOL_CALL: posts the tool call with the arena, completes the response and appends the loop\'s messages', async () => {
    const { bridge, calls, settled } = fakeBridge();
    const svc = new GuestChatService(bridge, createChatBackends({}, {}), 7);
    svc.serve(1001, request());
    while (calls.posted.length === 0) await tick();
    assert.deepEqual(calls.posted, [
      { id: 7, callbackId: 1, payload: { fn_offset: 3, args: '{"a":7,"b":35}', arena_ptr: 2048, arena_len: 4096, max_output_bytes: 65536 } },
    ]);
    svc.callbackResult(1, 0, '{"sum":42}');
    await settled;
    assert.deepEqual(calls.failed, []);
    assert.equal(calls.completed.length, 1);
    const { id, fd, response, metrics, appended } = calls.completed[0];
    assert.deepEqual([id, fd], [7, 1001]);
    assert.equal(response.id, 'chatcmpl_1000');
    assert.equal((response.choices as { message: { content: string } }[])[0].message.content, 'stub chat completion after tool');
    assert.deepEqual(response._spear, { backend: 'stub', model: 'stub-model' });
    assert.equal(metrics, '', 'no ENABLE_METRICS: no metrics');
    assert.deepEqual(appended, [
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_stub_1', type: 'function', function: { name: 'sum', arguments: '{"a":7,"b":35}' } }] },
      { role: 'tool', content: '{"sum":42}', tool_call_id: 'call_stub_1' },
      { role: 'assistant', content: 'stub chat completion after tool' },
    ]);
  });

  it('the arena params as SPEAR reads them: i64 wrapped to i32, 0 when unset; max_tool_output_bytes capped at 1 MiB', () => {
    assert.deepEqual(JSON.parse(toolPayload({ tool_arena_ptr: 2 ** 32 + 16, max_tool_output_bytes: 5_000_000 }, 1, 'x')), {
      fn_offset: 1,
      args: 'x',
      arena_ptr: 16,
      arena_len: 0,
      max_output_bytes: 1024 * 1024,
    });
    assert.equal(JSON.parse(toolPayload({ max_tool_output_bytes: -1, tool_arena_len: 2.5 }, 1, 'x')).max_output_bytes, 65536);
  });

  it('without AUTO_TOOL_CALL: one model call, no callback', async () => {
    const { bridge, calls, settled } = fakeBridge();
    const svc = new GuestChatService(bridge, createChatBackends({}, {}), 7);
    svc.serve(1002, request({ flags: 0, tools: [] }));
    await settled;
    assert.deepEqual(calls.posted, []);
    const msg = (calls.completed[0].response.choices as { message: { content: string } }[])[0].message;
    assert.equal(msg.content, 'stub chat completion: What is 7 + 35?');
    assert.deepEqual(calls.completed[0].appended, []);
  });

  it('ENABLE_METRICS: the GET_METRICS JSON is SPEAR\'s usage', async () => {
    const { bridge, calls, settled } = fakeBridge();
    new GuestChatService(bridge, createChatBackends({}, {}), 7).serve(1002, request({ flags: 1, tools: [] }));
    await settled;
    assert.equal(calls.completed[0].metrics, '{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}');
  });

  it('a backend the host did not enable is a readable error body, as SPEAR; a param value is not checked', async () => {
    const { bridge, calls, settled } = fakeBridge();
    new GuestChatService(bridge, createChatBackends({}, {}), 9).serve(1003, request({ params: { model: 'm', backend: 'openai' }, flags: 1 }));
    await settled;
    assert.deepEqual(calls.failed, []);
    const error = calls.completed[0].response.error as { message: string };
    assert.deepEqual(Object.keys(calls.completed[0].response), ['error']);
    assert.match(error.message, /^EPERM: /);
    assert.equal(calls.completed[0].metrics, '{}');
    const hot = fakeBridge();
    new GuestChatService(hot.bridge, createChatBackends({}, {}), 9).serve(1004, request({ params: { model: 'm', temperature: 9 }, flags: 0 }));
    await hot.settled;
    assert.equal((hot.calls.completed[0].response._spear as { model: string }).model, 'm');
  });

  it('a request the core garbled fails with -EIO', async () => {
    const { bridge, calls, settled } = fakeBridge();
    new GuestChatService(bridge, createChatBackends({}, {}), 9).serve(1004, 'not json');
    await settled;
    assert.deepEqual(calls.failed, [{ id: 9, fd: 1004, errno: -Errno.EIO }]);
  });

  it('a callback the bridge refuses (the instance is gone) fails the chat with its errno', async () => {
    const { bridge, calls, settled } = fakeBridge(-Errno.EBADF);
    new GuestChatService(bridge, createChatBackends({}, {}), 9).serve(1005, request());
    await settled;
    assert.deepEqual(calls.failed, [{ id: 9, fd: 1005, errno: -Errno.EBADF }]);
  });

  it('close() cancels a chat waiting for its tool: -ECANCELED', async () => {
    const { bridge, calls, settled } = fakeBridge();
    const svc = new GuestChatService(bridge, createChatBackends({}, {}), 9);
    svc.serve(1006, request());
    while (calls.posted.length === 0) await tick();
    await svc.close();
    await settled;
    assert.deepEqual(calls.failed, [{ id: 9, fd: 1006, errno: -Errno.ECANCELED }]);
    svc.callbackResult(1, 0, 'late'); // ignored
  });

  it('parses the bridge request: tool specs as JSON text; a tool that is not JSON is left out; the request id', () => {
    const parsed = parseBridgeChatRequest(
      JSON.stringify({ fd: 1004, messages: [], tools: [{ fn_offset: 1, spec: JSON.stringify(SUM_TOOL) }, { fn_offset: 2, spec: 'nope' }], params: { model: 'x' }, flags: 3 }),
    );
    assert.deepEqual(parsed, { request: { messages: [], tools: [{ fnOffset: 1, spec: SUM_TOOL }], params: { model: 'x' }, requestId: 'chatcmpl_1004' }, flags: 3 });
  });
});
