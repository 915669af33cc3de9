/**
 * The `stub` backend: deterministic and offline, the default, so guests run with no network.
 *
 * Replies (SPEAR-ABI.md, "Chat"):
 * - tools registered, no `tool` message in the conversation yet, and the last user message
 *   holds two integers A and B: one tool call to the first registered tool with arguments
 *   `{"a":A,"b":B}`, `finish_reason: "tool_calls"`;
 * - a `tool` message in the conversation: `stub chat completion after tool: ` followed by
 *   the last tool message's content, verbatim;
 * - otherwise `stub chat completion: ` followed by the last user message, or
 *   `stub chat completion` when there is none (or it is empty, as in SPEAR).
 *
 * Integers are scanned as SPEAR's stub does: a `-` or a digit starts a number, digits
 * continue it (so `7-35` is 7 and -35, a `+` is skipped), and numbers outside i64 are
 * skipped. Nothing depends on the clock or on randomness: `created` is 0, the `id` is a hash
 * of the request, and `usage` counts about four UTF-8 bytes a token (`ceil(bytes / 4)` for
 * each message's content and each tool call's arguments).
 */
import { createHash } from 'node:crypto';
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

function approxTokens(text: string | null | undefined): number {
  return text ? Math.ceil(Buffer.byteLength(text, 'utf8') / 4) : 0;
}

function messageTokens(m: ChatMessage): number {
  return approxTokens(m.content) + (m.tool_calls ?? []).reduce((n, c) => n + approxTokens(c.function.arguments), 0);
}

function lastOf(messages: readonly ChatMessage[], role: ChatMessage['role']): ChatMessage | undefined {
  for (let i = messages.length - 1; i >= 0; i--) if (messages[i].role === role) return messages[i];
  return undefined;
}

function requestId(req: BackendChatRequest): string {
  const hash = createHash('sha256')
    .update(JSON.stringify([req.model, req.messages, req.tools ?? []]))
    .digest('hex');
  return `chatcmpl-stub-${hash.slice(0, 24)}`;
}

/** The stub's answer to `req`: a pure function of the request. */
export function stubComplete(req: BackendChatRequest): ChatCompletion {
  const lastUser = lastOf(req.messages, 'user')?.content ?? '';
  const lastTool = lastOf(req.messages, 'tool');
  const firstTool = req.tools?.[0];
  const ab = firstTool !== undefined && lastTool === undefined ? firstTwoIntegers(lastUser) : undefined;

  const prompt = req.messages.reduce((n, m) => n + messageTokens(m), 0);
  const base = { id: requestId(req), object: 'chat.completion' as const, created: 0, model: req.model };
  const usage = (completion: number) => ({ prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion });

  if (firstTool !== undefined && ab !== undefined) {
    const args = `{"a":${ab[0]},"b":${ab[1]}}`;
    return {
      ...base,
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: null,
            tool_calls: [{ id: STUB_TOOL_CALL_ID, type: 'function', function: { name: firstTool.function.name, arguments: args } }],
          },
          finish_reason: 'tool_calls',
        },
      ],
      usage: usage(approxTokens(args)),
    };
  }

  const content =
    lastTool !== undefined
      ? `stub chat completion after tool: ${lastTool.content ?? ''}`
      : lastUser.length > 0
        ? `stub chat completion: ${lastUser}`
        : 'stub chat completion';
  return {
    ...base,
    choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
    usage: usage(approxTokens(content)),
  };
}

export interface StubBackendOptions {
  /** The model when the guest sets none (default `"stub"`). */
  defaultModel?: string;
}

/** The `stub` backend. It ignores `timeoutMs` and answers at once; an aborted signal is ECANCELED. */
export function createStubBackend(options: StubBackendOptions = {}): ChatBackend {
  return {
    name: 'stub',
    defaultModel: options.defaultModel ?? 'stub',
    complete(req: BackendChatRequest, opts: BackendCallOptions): Promise<ChatCompletion> {
      if (opts.signal.aborted) return Promise.reject(new ChatError('ECANCELED', 'stub backend: request cancelled'));
      return Promise.resolve(stubComplete(req));
    },
  };
}
