/**
 * The `openai` backend: any OpenAI-compatible server, `POST {baseUrl}/chat/completions`.
 *
 * The base URL and key come from the host (never from the guest). The key is held in a
 * closure — no property of the backend holds it — and is sent only in the `Authorization`
 * header; every error message is built from the status, a network code and the server's
 * error text with the key masked, and names the URL without user info or query.
 * Failures map to errno as `openai-errors.ts` lists.
 */
import { ChatError } from './errors';
import { parseChatCompletion } from './completion';
import { errnoForStatus, errorBodyMessage, transportError } from './openai-errors';
import { redact, safeUrl } from './redact';
import type { BackendCallOptions, BackendChatRequest, ChatBackend, ChatCompletion, ChatMessage } from './types';

export const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com/v1';

export interface OpenAIBackendOptions {
  /** The API root, e.g. `https://api.openai.com/v1`; `/chat/completions` is appended. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <key>`; no header when absent (local servers). */
  apiKey?: string;
  /** The model when the guest sets none. */
  defaultModel?: string;
  /** Timeout of a call whose caller gives none, in ms (default: none). */
  defaultTimeoutMs?: number;
  /** Largest response body accepted, in bytes (default 16 MiB); larger is EPROTO. */
  maxResponseBytes?: number;
}

const DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024 * 1024;
/** Error bodies are read only this far, for their message. */
const MAX_ERROR_BODY_BYTES = 64 * 1024;

/** `{baseUrl}/chat/completions`; throws `ChatError` EINVAL for a URL that is not http(s) or carries credentials. */
export function chatCompletionsUrl(baseUrl: string): URL {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new ChatError('EINVAL', 'openai backend: the base URL is not a valid URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ChatError('EINVAL', `openai backend: the base URL must be http or https, not ${url.protocol}`);
  }
  if (url.username !== '' || url.password !== '') {
    throw new ChatError('EINVAL', 'openai backend: the base URL must not carry credentials; give the key as apiKey');
  }
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/chat/completions`;
  return url;
}

/** The JSON body sent: only the fields the protocol defines, `tools` only when there are some. */
export function openAIRequestBody(req: BackendChatRequest): Record<string, unknown> {
  const body: Record<string, unknown> = { model: req.model, messages: req.messages.map(wireMessage) };
  if (req.tools !== undefined && req.tools.length > 0) body.tools = req.tools;
  if (req.max_tokens !== undefined) body.max_tokens = req.max_tokens;
  if (req.temperature !== undefined) body.temperature = req.temperature;
  if (req.response_format !== undefined) body.response_format = req.response_format;
  return body;
}

function wireMessage(m: ChatMessage): Record<string, unknown> {
  const out: Record<string, unknown> = { role: m.role, content: m.content };
  if (m.name !== undefined) out.name = m.name;
  if (m.tool_call_id !== undefined) out.tool_call_id = m.tool_call_id;
  if (m.tool_calls !== undefined && m.tool_calls.length > 0) out.tool_calls = m.tool_calls;
  return out;
}

/** The body as text, or EPROTO once it passes `max` bytes. */
async function readBody(res: Response, max: number, where: string): Promise<string> {
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (declared > max) {
    await res.body?.cancel().catch(() => undefined);
    throw new ChatError('EPROTO', `${where}: response body of ${declared} bytes is over the ${max}-byte limit`);
  }
  if (res.body === null) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > max) {
      await reader.cancel().catch(() => undefined);
      throw new ChatError('EPROTO', `${where}: response body is over the ${max}-byte limit`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The `openai` backend: a `ChatBackend` that also tells its timeout. */
export interface OpenAIBackend extends ChatBackend {
  /** The timeout of a call whose caller gives none, in ms; undefined for none. */
  readonly defaultTimeoutMs: number | undefined;
}

export function createOpenAIBackend(options: OpenAIBackendOptions): OpenAIBackend {
  const url = chatCompletionsUrl(options.baseUrl);
  const apiKey = options.apiKey !== undefined && options.apiKey !== '' ? options.apiKey : undefined;
  const maxBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const where = `openai backend (POST ${safeUrl(url)})`;
  const fail = (code: ChatError['code'], message: string): ChatError => new ChatError(code, redact(message, [apiKey]));
  const clean = (e: ChatError): ChatError => (apiKey !== undefined && e.message.includes(apiKey) ? fail(e.code, e.message) : e);

  async function complete(req: BackendChatRequest, opts: BackendCallOptions): Promise<ChatCompletion> {
    const timeoutMs = opts.timeoutMs ?? options.defaultTimeoutMs;
    const timeout = timeoutMs !== undefined ? AbortSignal.timeout(timeoutMs) : undefined;
    const signal = timeout !== undefined ? AbortSignal.any([opts.signal, timeout]) : opts.signal;
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
    if (apiKey !== undefined) headers.authorization = `Bearer ${apiKey}`;

    let status: number;
    let statusText: string;
    let text: string;
    try {
      signal.throwIfAborted();
      const res = await fetch(url, {
        method: 'POST',
        headers,
        body: JSON.stringify(openAIRequestBody(req)),
        signal,
        redirect: 'manual',
      });
      status = res.status;
      statusText = res.statusText;
      if (res.ok) {
        text = await readBody(res, maxBytes, where);
      } else {
        text = await readBody(res, MAX_ERROR_BODY_BYTES, where).catch(() => '');
      }
    } catch (e) {
      throw clean(transportError(e, where, signal, timeout, timeoutMs));
    }

    if (status < 200 || status > 299) {
      const detail = status >= 300 && status < 400 ? 'redirect not followed' : errorBodyMessage(text);
      throw fail(errnoForStatus(status), `${where}: HTTP ${status}${statusText ? ` ${statusText}` : ''}${detail ? `: ${detail}` : ''}`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw fail('EPROTO', `${where}: HTTP ${status} body is not JSON (${text.length} chars)`);
    }
    try {
      return parseChatCompletion(json, where);
    } catch (e) {
      throw e instanceof ChatError ? clean(e) : e;
    }
  }

  return {
    name: 'openai',
    defaultModel: options.defaultModel,
    defaultTimeoutMs: options.defaultTimeoutMs,
    complete,
  };
}
