/** Checking that a backend's answer is a chat completion the loop can use. */
import { ChatError } from './errors';
import { isJsonObject } from './json';
import type { ChatCompletion, ChatToolCall } from './types';

/**
 * `value` as a chat completion, or `ChatError` EPROTO saying what is wrong. Requires `id`,
 * `object: "chat.completion"`, `created`, `model` and a first choice whose message has
 * string-or-null `content` and well-formed `tool_calls`. Tool-call `arguments` given as an
 * object (some OpenAI-compatible servers do) are turned into a JSON string; every other
 * field is kept as the backend sent it.
 */
export function parseChatCompletion(value: unknown, source: string): ChatCompletion {
  const fail = (what: string): never => {
    throw new ChatError('EPROTO', `${source}: not a chat completion: ${what}`);
  };
  if (!isJsonObject(value)) return fail('expected a JSON object');
  if (typeof value.id !== 'string') fail('"id" is not a string');
  if (value.object !== 'chat.completion') fail('"object" is not "chat.completion"');
  if (typeof value.created !== 'number') fail('"created" is not a number');
  if (typeof value.model !== 'string') fail('"model" is not a string');
  const choices = value.choices;
  if (!Array.isArray(choices) || choices.length === 0) return fail('"choices" is not a non-empty array');
  choices.forEach((choice, i) => {
    const at = `choices[${i}]`;
    if (!isJsonObject(choice)) return fail(`${at} is not an object`);
    const message = choice.message;
    if (!isJsonObject(message)) return fail(`${at}.message is not an object`);
    if (message.role !== 'assistant') fail(`${at}.message.role is not "assistant"`);
    if (message.content === undefined) message.content = null;
    if (typeof message.content !== 'string' && message.content !== null) fail(`${at}.message.content is not a string or null`);
    const calls = message.tool_calls;
    if (calls === undefined || calls === null) {
      delete message.tool_calls;
      return;
    }
    if (!Array.isArray(calls)) return fail(`${at}.message.tool_calls is not an array`);
    calls.forEach((call, j) => {
      const c = `${at}.message.tool_calls[${j}]`;
      if (!isJsonObject(call) || typeof call.id !== 'string' || call.type !== 'function' || !isJsonObject(call.function)) {
        return fail(`${c} is not {"id", "type": "function", "function"}`);
      }
      if (typeof call.function.name !== 'string') fail(`${c}.function.name is not a string`);
      const args = call.function.arguments;
      if (isJsonObject(args)) call.function.arguments = JSON.stringify(args);
      else if (typeof call.function.arguments !== 'string') fail(`${c}.function.arguments is not a string`);
    });
    return;
  });
  const usage = value.usage;
  if (usage !== undefined && usage !== null && !isJsonObject(usage)) fail('"usage" is not an object');
  return value as unknown as ChatCompletion;
}

/** The tool calls of a completion's first choice (none when it has none). */
export function toolCallsOf(c: ChatCompletion): ChatToolCall[] {
  return c.choices[0].message.tool_calls ?? [];
}
