/**
 * The `stub` backend answers as SPEAR's `src/spearlet/execution/ai/backends/stub.rs`
 * (`StubBackendAdapter::invoke`), byte for byte given the request id and the time.
 */
import assert from 'node:assert/strict';
import { createStubBackend, firstTwoIntegers, stubComplete } from '../../runtime/chat/stub';
import { ChatError } from '../../runtime/chat/errors';
import type { BackendChatRequest, ChatMessage, ToolSpec } from '../../runtime/chat/types';

const sum: ToolSpec = { type: 'function', function: { name: 'sum', parameters: { type: 'object' } } };
const mul: ToolSpec = { type: 'function', function: { name: 'mul' } };
const user = (content: string): ChatMessage => ({ role: 'user', content });
const NOW = 1_765_000_000;
const json = (req: BackendChatRequest): string => JSON.stringify(stubComplete(req, NOW));
const text = (req: BackendChatRequest): string | null => stubComplete(req, NOW).choices[0].message.content;

describe('stub backend (SPEAR ai/backends/stub.rs)', () => {
  it('asks for one call call_stub_1 to the first tool with the first two integers of the last user message', () => {
    assert.equal(
      json({ request_id: 'chatcmpl_1000', model: 'stub', messages: [user('add 7 and 35')], tools: [sum, mul] }),
      `{"id":"chatcmpl_1000","object":"chat.completion","created":${NOW},"model":"stub",` +
        '"choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[{"id":"call_stub_1","type":"function",' +
        '"function":{"name":"sum","arguments":"{\\"a\\":7,\\"b\\":35}"}}]},"finish_reason":"tool_calls"}]}',
    );
  });

  it('names the call "tool_call" when the first tool has no function.name (a flat tool)', () => {
    const reply = stubComplete({ model: '', messages: [user('1 2')], tools: [{ name: 'flat' } as unknown as ToolSpec] }, NOW);
    assert.equal(reply.choices[0].message.tool_calls?.[0].function.name, 'tool_call');
  });

  it('says "stub chat completion after tool" once any tool message is in the conversation', () => {
    const messages: ChatMessage[] = [
      user('add 7 and 35'),
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_stub_1', type: 'function', function: { name: 'sum', arguments: '{"a":7,"b":35}' } }] },
      { role: 'tool', tool_call_id: 'call_stub_1', content: '{"sum":42}' },
    ];
    assert.equal(
      json({ request_id: 'chatcmpl_1000', model: 'stub', messages, tools: [sum] }),
      `{"id":"chatcmpl_1000","object":"chat.completion","created":${NOW},"model":"stub",` +
        '"choices":[{"index":0,"message":{"role":"assistant","content":"stub chat completion after tool"},"finish_reason":"stop"}]}',
    );
    assert.equal(text({ model: '', messages: [user('1 2'), { role: 'TOOL', content: 'x' }, user('3 4')], tools: [sum] }), 'stub chat completion after tool');
  });

  it('echoes the last user message and the requested model otherwise; no model is ""', () => {
    assert.equal(
      json({ request_id: 'chatcmpl_1003', model: 'gpt-x', messages: [{ role: 'system', content: 'be brief' }, user('hello')] }),
      `{"id":"chatcmpl_1003","object":"chat.completion","created":${NOW},"model":"gpt-x",` +
        '"choices":[{"index":0,"message":{"role":"assistant","content":"stub chat completion: hello"},"finish_reason":"stop"}]}',
    );
    assert.equal(stubComplete({ model: '', messages: [] }, NOW).model, '');
    assert.equal(text({ model: '', messages: [{ role: 'User', content: 'any case' }] }), 'stub chat completion: any case');
  });

  it('says "stub chat completion" when there is no user message, or it is empty', () => {
    assert.equal(text({ model: 'stub', messages: [{ role: 'system', content: 'be brief' }] }), 'stub chat completion');
    assert.equal(text({ model: 'stub', messages: [] }), 'stub chat completion');
    assert.equal(text({ model: 'stub', messages: [user('')] }), 'stub chat completion');
  });

  it('reads negative numbers and skips plus signs', () => {
    const reply = stubComplete({ model: 'stub', messages: [user('x=-12, y=+5; then 9')], tools: [sum] }, NOW);
    assert.equal(reply.choices[0].message.tool_calls?.[0].function.arguments, '{"a":-12,"b":5}');
    assert.equal(
      JSON.stringify(stubComplete({ model: 'stub', messages: [user('-3 - -4')], tools: [sum] }, NOW).choices[0].message.tool_calls?.[0].function),
      '{"name":"sum","arguments":"{\\"a\\":-3,\\"b\\":-4}"}',
    );
  });

  it('scans integers as SPEAR does (parse_first_two_i64)', () => {
    assert.deepEqual(firstTwoIntegers('7-35'), ['7', '-35']);
    assert.deepEqual(firstTwoIntegers('a 007 and -0'), ['7', '0']);
    assert.deepEqual(firstTwoIntegers('3.5'), ['3', '5']);
    assert.deepEqual(firstTwoIntegers('9223372036854775807 -9223372036854775808'), ['9223372036854775807', '-9223372036854775808']);
    assert.deepEqual(firstTwoIntegers('9223372036854775808 1 2'), ['1', '2'], 'a number outside i64 is skipped');
    assert.equal(firstTwoIntegers('only 1 here'), undefined);
    assert.equal(firstTwoIntegers('- -'), undefined);
  });

  it('uses the last user message, not an earlier one', () => {
    const reply = stubComplete({ model: 'stub', messages: [user('1 2'), { role: 'assistant', content: 'ok' }, user('no numbers')], tools: [sum] }, NOW);
    assert.equal(reply.choices[0].message.content, 'stub chat completion: no numbers');
    assert.equal(reply.choices[0].finish_reason, 'stop');
  });

  it('does not call a tool without tools or with one integer', () => {
    assert.equal(text({ model: 'stub', messages: [user('7 and 35')] }), 'stub chat completion: 7 and 35');
    assert.equal(text({ model: 'stub', messages: [user('7 only')], tools: [sum] }), 'stub chat completion: 7 only');
  });

  it('as a backend: named "stub", no default model, ECANCELED on an aborted signal', async () => {
    const stub = createStubBackend();
    assert.equal(stub.name, 'stub');
    assert.equal(stub.defaultModel, undefined);
    const reply = await stub.complete({ model: 'm', messages: [user('hi')] }, { signal: new AbortController().signal });
    assert.equal(reply.choices[0].message.content, 'stub chat completion: hi');
    assert.ok(Number.isInteger(reply.created));
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(stub.complete({ model: 'm', messages: [] }, { signal: ac.signal }), (e: unknown) => {
      assert.ok(e instanceof ChatError);
      assert.equal(e.code, 'ECANCELED');
      assert.equal(e.errno, -125);
      return true;
    });
  });
});
