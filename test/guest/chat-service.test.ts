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
import { GuestChatService, parseBridgeChatRequest } from '../../runtime/guest/chat-service';

interface Calls {
  completed: { id: number; fd: number; response: Record<string, unknown>; metrics: Record<string, unknown> }[];
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
    abortInstance: () => 0,
    rtasrConnects: () => assert.fail('rtasrConnects is the realtime-ASR service\'s'),
    rtasrAttach: () => assert.fail('rtasrAttach is the realtime-ASR service\'s'),
    rtasrTake: () => assert.fail('rtasrTake is the realtime-ASR service\'s'),
    rtasrPush: () => assert.fail('rtasrPush is the realtime-ASR service\'s'),
    rtasrFail: () => assert.fail('rtasrFail is the realtime-ASR service\'s'),
    rtasrHangup: () => assert.fail('rtasrHangup is the realtime-ASR service\'s'),
    completeChat: (id, fd, bytes, metricsJson) => {
      calls.completed.push({ id, fd, response: JSON.parse(Buffer.from(bytes).toString('utf8')), metrics: JSON.parse(metricsJson) });
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
    messages: [{ role: 'user', content: 'What is 7 + 35?' }],
    tools: [{ fn_offset: 3, spec: SUM_TOOL }],
    params: { model: 'stub-model', tool_arena_ptr: 2048, tool_arena_len: 4096 },
    flags: 2,
    ...over,
  });

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('guest host: chat service over a fake bridge', () => {
  it('AUTO_TOOL_CALL: posts the tool call with the arena, and completes the response with the tool output', async () => {
    const { bridge, calls, settled } = fakeBridge();
    const svc = new GuestChatService(bridge, createChatBackends({}, {}), 7);
    svc.serve(1001, request());
    while (calls.posted.length === 0) await tick();
    assert.deepEqual(calls.posted, [
      { id: 7, callbackId: 1, payload: { fn_offset: 3, args: '{"a":7,"b":35}', max_output_bytes: 65536, arena_ptr: 2048, arena_len: 4096 } },
    ]);
    svc.callbackResult(1, 0, '{"sum":42}');
    await settled;
    assert.deepEqual(calls.failed, []);
    assert.equal(calls.completed.length, 1);
    const { id, fd, response, metrics } = calls.completed[0];
    assert.deepEqual([id, fd], [7, 1001]);
    assert.equal((response.choices as { message: { content: string } }[])[0].message.content, 'stub chat completion after tool: {"sum":42}');
    assert.deepEqual(response._spear, { backend: 'stub', model: 'stub-model', iterations: 2, tool_calls: 1 });
    assert.equal(metrics.tool_calls, 1);
  });

  it('without AUTO_TOOL_CALL: one model call, no callback', async () => {
    const { bridge, calls, settled } = fakeBridge();
    const svc = new GuestChatService(bridge, createChatBackends({}, {}), 7);
    svc.serve(1002, request({ flags: 0, tools: [] }));
    await settled;
    assert.deepEqual(calls.posted, []);
    const msg = (calls.completed[0].response.choices as { message: { content: string } }[])[0].message;
    assert.equal(msg.content, 'stub chat completion: What is 7 + 35?');
  });

  it('a backend the host did not enable fails the response with -EPERM; bad params with -EINVAL', async () => {
    for (const [params, errno] of [
      [{ model: 'm', backend: 'openai' }, -Errno.EPERM],
      [{ model: 'm', temperature: 9 }, -Errno.EINVAL],
    ] as const) {
      const { bridge, calls, settled } = fakeBridge();
      new GuestChatService(bridge, createChatBackends({}, {}), 9).serve(1003, request({ params, flags: 0 }));
      await settled;
      assert.deepEqual(calls.failed, [{ id: 9, fd: 1003, errno }]);
    }
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

  it('parses the bridge request: tool specs given as JSON text too', () => {
    const parsed = parseBridgeChatRequest(JSON.stringify({ messages: [], tools: [{ fn_offset: 1, spec: JSON.stringify(SUM_TOOL) }], params: { model: 'x' }, flags: 3 }));
    assert.deepEqual(parsed, { request: { messages: [], tools: [{ fnOffset: 1, spec: SUM_TOOL }], params: { model: 'x' } }, flags: 3 });
  });
});
