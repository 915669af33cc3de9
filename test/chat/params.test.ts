/** Param checks and defaults, tool JSON shapes, and tool-output truncation. */
import assert from 'node:assert/strict';
import { ChatError } from '../../runtime/chat/errors';
import { applyChatParam, DEFAULT_CHAT_LIMITS, resolveChatSettings, validateChatParam, type ChatParams } from '../../runtime/chat/params';
import { toToolSpec } from '../../runtime/chat/tools';
import { truncateToolOutput } from '../../runtime/chat/truncate';
import type { JsonObject, JsonValue } from '../../runtime/chat/json';

function einval(f: () => unknown, re: RegExp): void {
  assert.throws(f, (e: unknown) => e instanceof ChatError && e.code === 'EINVAL' && e.errno === -22 && re.test(e.message));
}

describe('chat params', () => {
  it('accepts well-typed values, unknown keys and null', () => {
    const good: Array<[string, JsonValue]> = [
      ['model', 'gpt-4o'],
      ['timeout_ms', 1],
      ['max_tokens', 256],
      ['temperature', 0],
      ['temperature', 2],
      ['response_format', 'json_object'],
      ['response_format', { type: 'json_schema', json_schema: { name: 'x' } }],
      ['max_iterations', 1],
      ['max_tool_calls', 0],
      ['max_total_tool_calls', 0],
      ['max_tool_output_bytes', 0],
      ['tool_arena_ptr', 65536],
      ['something_new', [1, 'two']],
      ['max_iterations', null],
    ];
    for (const [k, v] of good) validateChatParam(k, v);
  });

  it('rejects a badly typed known key with EINVAL naming the key and what was expected', () => {
    einval(() => validateChatParam('model', ''), /'model': expected a non-empty string/);
    einval(() => validateChatParam('timeout_ms', 0), /'timeout_ms': expected an integer from 1/);
    einval(() => validateChatParam('timeout_ms', '100'), /'timeout_ms'/);
    einval(() => validateChatParam('max_iterations', 0), /'max_iterations'/);
    einval(() => validateChatParam('max_tool_calls', -1), /'max_tool_calls'/);
    einval(() => validateChatParam('max_total_tool_calls', 2 ** 31), /'max_total_tool_calls'/);
    einval(() => validateChatParam('temperature', 2.5), /'temperature': expected a number from 0 to 2/);
    einval(() => validateChatParam('response_format', { schema: 1 }), /'response_format'/);
  });

  it('applies the SPEAR defaults: 8 iterations, 32 tool calls, 64 KiB of tool output', () => {
    assert.deepEqual(resolveChatSettings({}), {
      model: undefined,
      timeoutMs: undefined,
      maxTokens: undefined,
      temperature: undefined,
      responseFormat: undefined,
      limits: { maxIterations: 8, maxToolCalls: 32, maxTotalToolCalls: 32, maxToolOutputBytes: 65536 },
    });
    assert.deepEqual(DEFAULT_CHAT_LIMITS, { maxIterations: 8, maxToolCalls: 32, maxTotalToolCalls: 32, maxToolOutputBytes: 65536 });
    assert.deepEqual(resolveChatSettings({ response_format: 'json_object' }).responseFormat, { type: 'json_object' });
  });

  it('applyChatParam stores a checked value, removes a key on null, and leaves params alone on EINVAL', () => {
    const params: ChatParams = {};
    applyChatParam(params, 'max_iterations', 3);
    applyChatParam(params, 'model', 'm');
    assert.deepEqual(params, { max_iterations: 3, model: 'm' });
    applyChatParam(params, 'max_iterations', null);
    assert.deepEqual(params, { model: 'm' });
    einval(() => applyChatParam(params, 'model', 5), /'model'/);
    assert.deepEqual(params, { model: 'm' });
    assert.equal(resolveChatSettings(params).limits.maxIterations, 8);
  });
});

describe('tool JSON', () => {
  it('keeps the OpenAI shape and wraps the flat legacy shape', () => {
    const openai = { type: 'function', function: { name: 'sum', parameters: { type: 'object' } } };
    assert.deepEqual(toToolSpec(openai), openai);
    assert.deepEqual(toToolSpec({ name: 'sum', description: 'd' }), { type: 'function', function: { name: 'sum', description: 'd' } });
    assert.deepEqual(toToolSpec({ type: 'function', name: 'sum' }), { type: 'function', function: { name: 'sum' } });
  });

  it('rejects JSON without a function name, or another tool type: EINVAL', () => {
    const bads: JsonObject[] = [{}, { type: 'function', function: {} }, { type: 'retrieval', name: 'x' }, { function: 'sum' }, { name: '' }];
    for (const bad of bads) {
      einval(() => toToolSpec(bad), /tool JSON/);
    }
  });
});

describe('tool output truncation', () => {
  it('passes output that fits, byte-counted', () => {
    assert.deepEqual(truncateToolOutput('abcd', 4), { text: 'abcd', truncated: false, bytes: 4 });
  });

  it('keeps the first bytes and appends the marker', () => {
    assert.deepEqual(truncateToolOutput('abcdef', 4), { text: 'abcd\n[truncated: 4 of 6 bytes]', truncated: true, bytes: 6 });
    assert.equal(truncateToolOutput('abc', 0).text, '\n[truncated: 0 of 3 bytes]');
  });

  it('cuts back to a UTF-8 character boundary', () => {
    assert.equal(truncateToolOutput('ééé', 3).text, 'é\n[truncated: 2 of 6 bytes]');
    assert.equal(truncateToolOutput('a😀b', 4).text, 'a\n[truncated: 1 of 6 bytes]');
  });
});
