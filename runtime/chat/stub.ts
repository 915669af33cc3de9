/**
 * The `stub` backend: deterministic and offline, the default, so guests run with no network.
 * It answers as SPEAR's `ai/backends/stub.rs`:
 * - tools registered, no message of role `tool` (any case) in the conversation, and the last
 *   `user` message (any case) holds two integers A and B: one tool call `call_stub_1` to the
 *   first registered tool's `function.name` (`tool_call` when it has none) with arguments
 *   `{"a":A,"b":B}`, content null, `finish_reason: "tool_calls"`;
 * - a `tool` message in the conversation: `stub chat completion after tool`;
 * - otherwise `stub chat completion: ` followed by the last user message, or
 *   `stub chat completion` when there is none (or it is empty, or not a string).
 *
 * The completion has `id` (the request id, `chatcmpl_<session fd>`), `object`, `created`
 * (Unix seconds), `model` (the requested model, `""` when none) and `choices`; no `usage`.
 * Integers are scanned as SPEAR's stub does: a `-` or a digit starts a number, digits
 * continue it (so `7-35` is 7 and -35, a `+` is skipped), and numbers outside i64 are
 * skipped.
 */
import { ChatError } from './errors';
import type { BackendCallOptions, BackendChatRequest, ChatBackend, ChatCompletion, ChatMessage } from './types';

/** The id of the one tool call the stub makes (SPEAR's). */
export const STUB_TOOL_CALL_ID = 'call_stub_1';

const I64_MIN = -(2n ** 63n);
const I64_MAX = 2n ** 63n - 1n;

/** The first two integers of `text` as decimal strings, as SPEAR's stub finds them. */
export function firstTwoIntegers(text: string): [string, string] | undefined {
  const found: string[] = [];
  let i = 0;
  const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
  while (i < text.length && found.length < 2) {
    while (i < text.length && text[i] !== '-' && !isDigit(text[i])) i++;
    if (i >= text.length) break;
    const start = i++;
    while (isDigit(text[i])) i++;
    const token = text.slice(start, i);
    if (token === '-') continue;
    const n = BigInt(token);
    if (n >= I64_MIN && n <= I64_MAX) found.push(n.toString());
  }
  return found.length === 2 ? [found[0], found[1]] : undefined;
}

function hasRole(m: ChatMessage, role: string): boolean {
  return typeof m.role === 'string' && m.role.toLowerCase() === role;
}

/** The stub's answer to `req`; `nowS` is the `created` time (Unix seconds). */
export function stubComplete(req: BackendChatRequest, nowS: number = Math.floor(Date.now() / 1000)): ChatCompletion {
  const hasToolResult = req.messages.some((m) => hasRole(m, 'tool'));
  let lastUser = '';
  for (let i = req.messages.length - 1; i >= 0; i--) {
    if (hasRole(req.messages[i], 'user')) {
      const c = req.messages[i].content;
      lastUser = typeof c === 'string' ? c : '';
      break;
    }
  }
  const tools = req.tools ?? [];
  const ab = tools.length > 0 && !hasToolResult ? firstTwoIntegers(lastUser) : undefined;
  const base = { id: req.request_id ?? '', object: 'chat.completion' as const, created: nowS, model: req.model };

  if (ab !== undefined) {
    const first: unknown = tools[0];
    const fn = typeof first === 'object' && first !== null ? (first as { function?: unknown }).function : undefined;
    const fnName = typeof fn === 'object' && fn !== null ? (fn as { name?: unknown }).name : undefined;
    const name = typeof fnName === 'string' ? fnName : 'tool_call';
    return {
      ...base,
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: null,
            tool_calls: [{ id: STUB_TOOL_CALL_ID, type: 'function', function: { name, arguments: `{"a":${ab[0]},"b":${ab[1]}}` } }],
          },
          finish_reason: 'tool_calls',
        },
      ],
    };
  }

  const content = hasToolResult
    ? 'stub chat completion after tool'
    : lastUser.length > 0
      ? `stub chat completion: ${lastUser}`
      : 'stub chat completion';
  return { ...base, choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }] };
}

export interface StubBackendOptions {
  /** The model when the guest sets none (default none: `""`, as SPEAR's stub). */
  defaultModel?: string;
}

/** The `stub` backend. It ignores `timeoutMs` and answers at once; an aborted signal is ECANCELED. */
export function createStubBackend(options: StubBackendOptions = {}): ChatBackend {
  return {
    name: 'stub',
    defaultModel: options.defaultModel,
    complete(req: BackendChatRequest, opts: BackendCallOptions): Promise<ChatCompletion> {
      if (opts.signal.aborted) return Promise.reject(new ChatError('ECANCELED', 'stub backend: request cancelled'));
      return Promise.resolve(stubComplete(req));
    },
  };
}
