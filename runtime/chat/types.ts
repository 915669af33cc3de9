/**
 * The shapes the chat services exchange: the guest's conversation (messages, registered
 * tools, params), what a backend is asked, and the OpenAI chat-completion it answers.
 */
import type { JsonObject, JsonValue } from './json';
import type { ChatParams } from './params';

/** A message role: `cchat_write_msg` accepts any (the usual ones are system, user, assistant, tool). */
export type ChatRole = string;

/** One tool call of an assistant message (OpenAI shape; `arguments` is a JSON string). */
export interface ChatToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

/** One message of the conversation. */
export interface ChatMessage {
  role: ChatRole;
  /** `null` only for an assistant message that carries `tool_calls`. */
  content: string | null;
  /** For `role: "tool"`: the id of the tool call this message answers. */
  tool_call_id?: string;
  /** For `role: "assistant"`: the tool calls the model asked for. */
  tool_calls?: ChatToolCall[];
  name?: string;
}

/** An OpenAI tool description: `{"type": "function", "function": {"name", ...}}`. */
export interface ToolSpec {
  type: 'function';
  function: JsonObject & { name: string };
}

/** A tool the guest registered with `cchat_write_fn`. */
export interface RegisteredTool {
  /** The guest's function-table index of the tool function. */
  fnOffset: number;
  /** The tool JSON as the guest wrote it, passed to the backend as it is. */
  spec: JsonValue;
}

/** A chat session's request, as `cchat_send` hands it to `runChat`. */
export interface ChatRequest {
  /** SPEAR's request id, `chatcmpl_<session fd>`: the stub's completion `id`. */
  requestId?: string;
  messages: ChatMessage[];
  tools: RegisteredTool[];
  params: ChatParams;
}

/** What a backend is asked: one chat-completions call. */
export interface BackendChatRequest {
  /** The id the stub gives its completion (`chatcmpl_<session fd>`). */
  request_id?: string;
  model: string;
  messages: ChatMessage[];
  /** Absent when no tool is registered. */
  tools?: ToolSpec[];
  max_tokens?: number;
  temperature?: number;
  response_format?: JsonObject;
}

/** How a backend call may end early. */
export interface BackendCallOptions {
  /** Aborted by the caller: the call rejects with ECANCELED. */
  signal: AbortSignal;
  /** Give up after this many ms: the call rejects with ETIMEDOUT. */
  timeoutMs?: number;
}

/** The assistant message of a completion choice. Vendor fields pass through. */
export interface ChatAssistantMessage {
  role: 'assistant';
  content: string | null;
  tool_calls?: ChatToolCall[];
  [key: string]: unknown;
}

export interface ChatChoice {
  index: number;
  message: ChatAssistantMessage;
  finish_reason: string | null;
  [key: string]: unknown;
}

export interface ChatUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  [key: string]: unknown;
}

/** An OpenAI chat-completion object. Vendor fields (`system_fingerprint`, ...) pass through. */
export interface ChatCompletion {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: ChatChoice[];
  usage?: ChatUsage;
  [key: string]: unknown;
}

/** A chat backend: answers one chat-completions request. */
export interface ChatBackend {
  /** Reported as `_spear.backend` (`"stub"`, `"openai"`, or the name of a user backend). */
  readonly name: string;
  /** The model used when the guest sets none. */
  readonly defaultModel?: string;
  /**
   * Answer `req`. Rejects with a `ChatError` (another error becomes EIO); resolves with a
   * chat-completion object.
   */
  complete(req: BackendChatRequest, opts: BackendCallOptions): Promise<ChatCompletion>;
}

/** A backend given as a bare function. */
export type ChatCompleteFn = (req: BackendChatRequest, opts: BackendCallOptions) => Promise<ChatCompletion>;

/** Why the tool loop stopped before the model gave a reply without tool calls. */
export type ChatStopReason = 'max_iterations' | 'max_total_tool_calls';

/** The `_spear` object added to every completion the guest receives (SPEAR's). */
export interface SpearInfo {
  backend: string;
  /** The requested model, or the reply's `model` when none was requested. */
  model: string;
}

/** What `cchat_recv` returns: the completion with `_spear` added. */
export type SpearChatCompletion = ChatCompletion & { _spear: SpearInfo };
