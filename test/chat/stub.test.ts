/** The `stub` backend answers exactly as SPEAR-ABI.md specifies, byte for byte and deterministically. */
import assert from 'node:assert/strict';
import { createStubBackend, firstTwoIntegers, stubComplete } from '../../runtime/chat/stub';
import { ChatError } from '../../runtime/chat/errors';
import type { BackendChatRequest, ChatMessage, ToolSpec } from '../../runtime/chat/types';

const sum: ToolSpec = { type: 'function', function: { name: 'sum', parameters: { type: 'object' } } };
const mul: ToolSpec = { type: 'function', function: { name: 'mul' } };
const user = (content: string): ChatMessage => ({ role: 'user', content });
const json = (req: BackendChatRequest): string => JSON.stringify(stubComplete(req));

describe('stub backend', () => {
  it('asks for one call to the first tool with the first two integers of the last user message', () => {
    assert.equal(
      json({ model: 'stub', messages: [user('add 7 and 35')], tools: [sum, mul] }),
      '{"id":"chatcmpl-stub-316fe0ed2a63e99b41cde716","object":"chat.completion","created":0,"model":"stub",' +
        '"choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[{"id":"call_stub_1","type":"function",' +
        '"function":{"name":"sum","arguments":"{\\"a\\":7,\\"b\\":35}"}}]},"finish_reason":"tool_calls"}],' +
        '"usage":{"prompt_tokens":3,"completion_tokens":4,"total_tokens":7}}',
    );
  });

  it('replies with the tool output verbatim after a tool result', () => {
    const messages: ChatMessage[] = [
      user('add 7 and 35'),
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_stub_1', type: 'function', function: { name: 'sum', arguments: '{"a":7,"b":35}' } }] },
      { role: 'tool', tool_call_id: 'call_stub_1', content: '{"sum":42}' },
    ];
    assert.equal(
      json({ model: 'stub', messages, tools: [sum] }),
      '{"id":"chatcmpl-stub-2573a0595cef45628216b815","object":"chat.completion","created":0,"model":"stub",' +
        '"choices":[{"index":0,"message":{"role":"assistant","content":"stub chat completion after tool: {\\"sum\\":42}"},"finish_reason":"stop"}],' +
        '"usage":{"prompt_tokens":10,"completion_tokens":11,"total_tokens":21}}',
    );
  });

  it('echoes the last user message and the requested model otherwise', () => {
    assert.equal(
      json({ model: 'gpt-x', messages: [{ role: 'system', content: 'be brief' }, user('hello')] }),
      '{"id":"chatcmpl-stub-7d547410400955a037f2af18","object":"chat.completion","created":0,"model":"gpt-x",' +
        '"choices":[{"index":0,"message":{"role":"assistant","content":"stub chat completion: hello"},"finish_reason":"stop"}],' +
        '"usage":{"prompt_tokens":4,"completion_tokens":7,"total_tokens":11}}',
    );
  });

  it('says "stub chat completion" when there is no user message', () => {
    assert.equal(
      json({ model: 'stub', messages: [{ role: 'system', content: 'be brief' }] }),
      '{"id":"chatcmpl-stub-b179b618cf8b0d32b504c402","object":"chat.completion","created":0,"model":"stub",' +
        '"choices":[{"index":0,"message":{"role":"assistant","content":"stub chat completion"},"finish_reason":"stop"}],' +
        '"usage":{"prompt_tokens":2,"completion_tokens":5,"total_tokens":7}}',
    );
    assert.equal(stubComplete({ model: 'stub', messages: [] }).choices[0].message.content, 'stub chat completion');
    assert.equal(stubComplete({ model: 'stub', messages: [user('')] }).choices[0].message.content, 'stub chat completion');
  });

  it('reads negative numbers and skips plus signs', () => {
    const reply = stubComplete({ model: 'stub', messages: [user('x=-12, y=+5; then 9')], tools: [sum] });
    assert.equal(reply.choices[0].message.tool_calls?.[0].function.arguments, '{"a":-12,"b":5}');
    assert.equal(JSON.stringify(stubComplete({ model: 'stub', messages: [user('-3 - -4')], tools: [sum] }).choices[0].message.tool_calls?.[0].function), '{"name":"sum","arguments":"{\\"a\\":-3,\\"b\\":-4}"}');
  });

  it('scans integers as SPEAR does', () => {
    assert.deepEqual(firstTwoIntegers('7-35'), ['7', '-35']);
    assert.deepEqual(firstTwoIntegers('a 007 and -0'), ['7', '0']);
    assert.deepEqual(firstTwoIntegers('3.5'), ['3', '5']);
    assert.deepEqual(firstTwoIntegers('9223372036854775807 -9223372036854775808'), ['9223372036854775807', '-9223372036854775808']);
    assert.deepEqual(firstTwoIntegers('9223372036854775808 1 2'), ['1', '2'], 'a number outside i64 is skipped');
    assert.equal(firstTwoIntegers('only 1 here'), undefined);
    assert.equal(firstTwoIntegers('- -'), undefined);
  });

  it('uses the last user message, not an earlier one', () => {
    const reply = stubComplete({ model: 'stub', messages: [user('1 2'), { role: 'assistant', content: 'ok' }, user('no numbers')], tools: [sum] });
    assert.equal(reply.choices[0].message.content, 'stub chat completion: no numbers');
    assert.equal(reply.choices[0].finish_reason, 'stop');
  });

  it('does not call a tool without tools, with one integer, or once a tool result exists', () => {
    assert.equal(stubComplete({ model: 'stub', messages: [user('7 and 35')] }).choices[0].message.content, 'stub chat completion: 7 and 35');
    assert.equal(stubComplete({ model: 'stub', messages: [user('7 only')], tools: [sum] }).choices[0].message.content, 'stub chat completion: 7 only');
    const afterTool = stubComplete({
      model: 'stub',
      messages: [user('1 2'), { role: 'tool', tool_call_id: 'c', content: 'out' }, user('3 4')],
      tools: [sum],
    });
    assert.equal(afterTool.choices[0].message.content, 'stub chat completion after tool: out');
  });

  it('is deterministic: the same request gives the same bytes, another request another id', () => {
    const req: BackendChatRequest = { model: 'stub', messages: [user('hello')] };
    assert.equal(json(req), json({ model: 'stub', messages: [user('hello')] }));
    assert.notEqual(stubComplete(req).id, stubComplete({ model: 'stub', messages: [user('hello!')] }).id);
    assert.notEqual(stubComplete(req).id, stubComplete({ model: 'other', messages: [user('hello')] }).id);
  });

  it('as a backend: named "stub", default model "stub", ECANCELED on an aborted signal', async () => {
    const stub = createStubBackend();
    assert.equal(stub.name, 'stub');
    assert.equal(stub.defaultModel, 'stub');
    const reply = await stub.complete({ model: 'm', messages: [user('hi')] }, { signal: new AbortController().signal });
    assert.equal(reply.choices[0].message.content, 'stub chat completion: hi');
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
