/** Tool descriptions: the shapes a guest may register, and how a tool call finds its tool. */
import { ChatError } from './errors';
import { isJsonObject, type JsonObject } from './json';
import type { ToolSpec } from './types';

/**
 * The OpenAI tool description for the JSON a guest registered. Accepts
 * `{"type": "function", "function": {"name": ...}}` and, as SPEAR does, the flat legacy
 * `{"name": ..., "parameters": ...}` (with or without `"type": "function"`), which it wraps.
 * Throws `ChatError` EINVAL otherwise.
 */
export function toToolSpec(json: JsonObject): ToolSpec {
  let fn: JsonObject | undefined;
  if (json.type === undefined || json.type === 'function') {
    if (isJsonObject(json.function)) {
      fn = json.function;
    } else if (json.function === undefined) {
      const { type: _type, ...flat } = json;
      fn = flat;
    }
  }
  if (fn === undefined || typeof fn.name !== 'string' || fn.name.length === 0) {
    throw new ChatError('EINVAL', 'tool JSON: expected {"type": "function", "function": {"name": ...}} or {"name": ...}');
  }
  return { type: 'function', function: { ...fn, name: fn.name } };
}
