/**
 * Which backend answers: built once from the host's options (and the environment where an
 * option is absent), never from anything the guest sends except the backend `name` it may
 * pick among the ones the host enabled.
 *
 * Environment (read only when the matching option is absent):
 * `HOSTWIRE_OPENAI_BASE_URL`, then `OPENAI_BASE_URL` (default `https://api.openai.com/v1`);
 * `OPENAI_API_KEY`; `HOSTWIRE_MODEL` (the default model of every backend).
 */
import { ChatError } from './errors';
import { createOpenAIBackend, OPENAI_DEFAULT_BASE_URL } from './openai';
import { createStubBackend } from './stub';
import type { BackendCallOptions, BackendChatRequest, ChatBackend, ChatCompleteFn, ChatCompletion } from './types';

/** The built-in backends. */
export type ChatBackendKind = 'stub' | 'openai';

export interface ChatHostOptions {
  /** `'stub'` (the default), `'openai'`, or a user backend (an object or a function). */
  backend?: ChatBackendKind | ChatBackend | ChatCompleteFn;
  /** The OpenAI-compatible API root (`openai` only). */
  backendUrl?: string;
  /** The API key (`openai` only). */
  apiKey?: string;
  /** The model when the guest sets none. */
  model?: string;
  /**
   * Timeout of a model call when the guest sets no `timeout_ms`, in ms (`openai` only);
   * `DEFAULT_BACKEND_TIMEOUT_MS` (2 minutes) by default, 0 for none.
   */
  timeoutMs?: number;
}

/** How long the `openai` backend waits for an answer when neither the host nor the guest says: 2 minutes. */
export const DEFAULT_BACKEND_TIMEOUT_MS = 120_000;

/** The environment variables read; `process.env` by default. */
export type ChatEnv = Readonly<Record<string, string | undefined>>;

export interface ChatBackendRegistry {
  /** The backend the host chose. */
  readonly default: ChatBackend;
  /**
   * The backend for the guest's `backend` param: absent or the default's name gives the
   * default; `"stub"` is always allowed. A built-in the host did not enable is EPERM; any
   * other name EINVAL.
   */
  select(name?: string): ChatBackend;
}

function envValue(env: ChatEnv, ...names: string[]): string | undefined {
  for (const n of names) {
    const v = env[n];
    if (v !== undefined && v !== '') return v;
  }
  return undefined;
}

function userBackend(b: ChatBackend | ChatCompleteFn, defaultModel: string | undefined): ChatBackend {
  if (typeof b === 'function') {
    const fn = b;
    return {
      name: fn.name !== '' ? fn.name : 'custom',
      defaultModel,
      complete: (req: BackendChatRequest, opts: BackendCallOptions): Promise<ChatCompletion> => fn(req, opts),
    };
  }
  if (typeof b !== 'object' || b === null || typeof b.complete !== 'function') {
    throw new ChatError('EINVAL', 'chat backend: expected "stub", "openai", a function or an object with complete()');
  }
  const obj = b;
  return {
    name: typeof obj.name === 'string' && obj.name !== '' ? obj.name : 'custom',
    defaultModel: defaultModel ?? obj.defaultModel,
    complete: (req: BackendChatRequest, opts: BackendCallOptions): Promise<ChatCompletion> => obj.complete(req, opts),
  };
}

/** The backends a host enables. Throws `ChatError` EINVAL for an unknown backend or a bad URL. */
export function createChatBackends(options: ChatHostOptions = {}, env: ChatEnv = process.env): ChatBackendRegistry {
  const model = options.model ?? envValue(env, 'HOSTWIRE_MODEL');
  const kind = options.backend ?? 'stub';
  const stub = createStubBackend({ defaultModel: model });
  let chosen: ChatBackend;
  if (kind === 'stub') {
    chosen = stub;
  } else if (kind === 'openai') {
    chosen = createOpenAIBackend({
      baseUrl: options.backendUrl ?? envValue(env, 'HOSTWIRE_OPENAI_BASE_URL', 'OPENAI_BASE_URL') ?? OPENAI_DEFAULT_BASE_URL,
      apiKey: options.apiKey ?? envValue(env, 'OPENAI_API_KEY'),
      defaultModel: model,
      ...(options.timeoutMs === 0 ? {} : { defaultTimeoutMs: options.timeoutMs ?? DEFAULT_BACKEND_TIMEOUT_MS }),
    });
  } else if (typeof kind === 'string') {
    throw new ChatError('EINVAL', `chat backend '${kind}': expected "stub", "openai", a function or an object with complete()`);
  } else {
    chosen = userBackend(kind, model);
  }
  const builtins: readonly string[] = ['stub', 'openai'];
  return {
    default: chosen,
    select(name?: string): ChatBackend {
      if (name === undefined || name === chosen.name) return chosen;
      if (name === 'stub') return stub;
      if (builtins.includes(name)) throw new ChatError('EPERM', `chat backend '${name}' is not enabled by the host`);
      throw new ChatError('EINVAL', `chat backend '${name}' is unknown`);
    },
  };
}

/** The host's chosen backend (`createChatBackends(options, env).default`). */
export function createChatBackend(options: ChatHostOptions = {}, env: ChatEnv = process.env): ChatBackend {
  return createChatBackends(options, env).default;
}
