/**
 * Chat params (`cchat_ctl` SET_PARAM `{"key": K, "value": V}`): their types and strict checks,
 * for a host that wants to check params it builds itself. The guest path does not use these
 * checks: as SPEAR, SET_PARAM stores any value and `runChat` (loop.ts) reads each param when
 * the request runs, a value it cannot use counting as unset; the loop's limits are
 * `CHAT_LOOP_LIMITS` there.
 */
import { ChatError } from './errors';
import { isJsonObject, type JsonObject, type JsonValue } from './json';

/** The params of a chat session. Unknown keys are kept and ignored. */
export interface ChatParams {
  model?: string;
  /** A backend name the host allows (see `ChatBackendRegistry.select`). */
  backend?: string;
  /** Bound on each model call, in ms. */
  timeout_ms?: number;
  max_tokens?: number;
  temperature?: number;
  /** `{"type": "json_object"}`, `{"type": "json_schema", ...}`, or the type as a string. */
  response_format?: JsonValue;
  /** Model calls per `cchat_send` (AUTO_TOOL_CALL). */
  max_iterations?: number;
  /** Tool calls run per model reply (AUTO_TOOL_CALL). */
  max_tool_calls?: number;
  /** Tool calls run per `cchat_send` (AUTO_TOOL_CALL). */
  max_total_tool_calls?: number;
  /** Bytes of one tool's output passed to the model; the rest is cut with a marker. */
  max_tool_output_bytes?: number;
  /** Where the guest host places tool arguments and output (the guest host reads these). */
  tool_arena_ptr?: number;
  tool_arena_len?: number;
  [key: string]: JsonValue | undefined;
}

/** Defaults of the tool-loop limits (SPEAR's: 8 iterations, 32 tool calls, 64 KiB output). */
export const DEFAULT_CHAT_LIMITS: Readonly<ChatLimits> = Object.freeze({
  maxIterations: 8,
  maxToolCalls: 32,
  maxTotalToolCalls: 32,
  maxToolOutputBytes: 64 * 1024,
});

export interface ChatLimits {
  maxIterations: number;
  maxToolCalls: number;
  maxTotalToolCalls: number;
  maxToolOutputBytes: number;
}

/** Everything `runChat` needs from the params, checked and with defaults applied. */
export interface ChatSettings {
  model?: string;
  timeoutMs?: number;
  maxTokens?: number;
  temperature?: number;
  responseFormat?: JsonObject;
  limits: ChatLimits;
}

const I32_MAX = 0x7fffffff;

type Check = (v: JsonValue) => string | undefined;

const nonEmptyString: Check = (v) => (typeof v === 'string' && v.length > 0 ? undefined : 'a non-empty string');
const intAtLeast =
  (min: number): Check =>
  (v) =>
    typeof v === 'number' && Number.isInteger(v) && v >= min && v <= I32_MAX
      ? undefined
      : `an integer from ${min} to ${I32_MAX}`;
const temperature: Check = (v) =>
  typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 2 ? undefined : 'a number from 0 to 2';
const responseFormat: Check = (v) =>
  (typeof v === 'string' && v.length > 0) || (isJsonObject(v) && typeof v.type === 'string')
    ? undefined
    : 'a type string or an object with a string "type"';

const CHECKS: Readonly<Record<string, Check>> = {
  model: nonEmptyString,
  backend: nonEmptyString,
  timeout_ms: intAtLeast(1),
  max_tokens: intAtLeast(1),
  temperature,
  response_format: responseFormat,
  max_iterations: intAtLeast(1),
  max_tool_calls: intAtLeast(0),
  max_total_tool_calls: intAtLeast(0),
  max_tool_output_bytes: intAtLeast(0),
  tool_arena_ptr: intAtLeast(0),
  tool_arena_len: intAtLeast(0),
};

/**
 * Check one param as SET_PARAM receives it; throws `ChatError` EINVAL naming the key and
 * what was expected. Unknown keys pass (SPEAR accepts them); `null` unsets a key.
 */
export function validateChatParam(key: string, value: JsonValue): void {
  const check = CHECKS[key];
  if (check === undefined || value === null) return;
  const expected = check(value);
  if (expected !== undefined) throw new ChatError('EINVAL', `chat param '${key}': expected ${expected}`);
}

/**
 * SET_PARAM: check `value` and store it in `params` under `key`, or remove the key when
 * `value` is `null`. Throws `ChatError` EINVAL (leaving `params` unchanged) for a bad value.
 */
export function applyChatParam(params: ChatParams, key: string, value: JsonValue): void {
  validateChatParam(key, value);
  if (value === null) delete params[key];
  else params[key] = value;
}

/** Check every param and apply the defaults; throws `ChatError` EINVAL on a bad value. */
export function resolveChatSettings(params: ChatParams): ChatSettings {
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined) validateChatParam(key, value);
  }
  const num = (v: JsonValue | undefined): number | undefined => (typeof v === 'number' ? v : undefined);
  const rf = params.response_format;
  return {
    model: typeof params.model === 'string' ? params.model : undefined,
    timeoutMs: num(params.timeout_ms),
    maxTokens: num(params.max_tokens),
    temperature: num(params.temperature),
    responseFormat: typeof rf === 'string' ? { type: rf } : isJsonObject(rf) ? rf : undefined,
    limits: {
      maxIterations: num(params.max_iterations) ?? DEFAULT_CHAT_LIMITS.maxIterations,
      maxToolCalls: num(params.max_tool_calls) ?? DEFAULT_CHAT_LIMITS.maxToolCalls,
      maxTotalToolCalls: num(params.max_total_tool_calls) ?? DEFAULT_CHAT_LIMITS.maxTotalToolCalls,
      maxToolOutputBytes: num(params.max_tool_output_bytes) ?? DEFAULT_CHAT_LIMITS.maxToolOutputBytes,
    },
  };
}
