/** Host chat services: backends (stub, OpenAI-compatible), the model/tool loop, metrics. */
export { parseChatCompletion } from './completion';
export { ChatError, toChatError } from './errors';
export type { JsonObject, JsonValue } from './json';
export { runChat, type CallTool, type ChatRunResult, type RunChatOptions, type ToolResult } from './loop';
export type { ChatRunMetrics, Clock, ModelCallMetrics, ToolCallMetrics } from './metrics';
export { createOpenAIBackend, OPENAI_DEFAULT_BASE_URL, type OpenAIBackend, type OpenAIBackendOptions } from './openai';
export { errnoForStatus } from './openai-errors';
export {
  applyChatParam,
  DEFAULT_CHAT_LIMITS,
  resolveChatSettings,
  validateChatParam,
  type ChatLimits,
  type ChatParams,
  type ChatSettings,
} from './params';
export {
  createChatBackend,
  createChatBackends,
  DEFAULT_BACKEND_TIMEOUT_MS,
  type ChatBackendKind,
  type ChatBackendRegistry,
  type ChatEnv,
  type ChatHostOptions,
} from './registry';
export { createStubBackend, firstTwoIntegers, stubComplete, STUB_TOOL_CALL_ID, type StubBackendOptions } from './stub';
export { toToolSpec } from './tools';
export { truncateToolOutput, truncationMarker, type TruncatedOutput } from './truncate';
export type * from './types';
