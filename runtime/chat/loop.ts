/**
 * `runChat`: one `cchat_send`. Without AUTO_TOOL_CALL it is one model call. With it, the
 * host runs the model/tool loop:
 *
 * 1. call the model with the conversation and the registered tools;
 * 2. a reply without tool calls ends the run: it is the response;
 * 3. otherwise append the assistant message, then one `tool` message per tool call, in
 *    order: the output of the registered tool of that `function.name` (cut to
 *    `max_tool_output_bytes` with a marker), or an error JSON —
 *    `{"error":"unknown_tool","tool":NAME}` for a name nobody registered,
 *    `{"error":"EINVAL"}` (the errno name) for a tool that returned a negative rc,
 *    `{"error":"max_tool_calls","limit":N}` for the calls of one reply past `max_tool_calls`,
 *    `{"error":"max_total_tool_calls","limit":N}` for calls past the run's budget —
 *    and go back to 1.
 *
 * Limits end the loop with a result, not an errno: when the model has been called
 * `max_iterations` times, or the run has already spent its `max_total_tool_calls`, and the
 * reply still asks for tools, that reply is the response — its tool calls not run — with
 * `_spear.stopped` set to `"max_iterations"` or `"max_total_tool_calls"`. The guest sees
 * what the model wanted and can continue the conversation itself.
 *
 * Errors are `ChatError`s: EINVAL for bad params, messages or tool JSON or no model; the
 * backend's errno (ETIMEDOUT, ECONNRESET, EPERM, EIO, EPROTO, ...); EPROTO for a reply that
 * is not a chat completion; ECANCELED when `opts.signal` aborts; the errno of an error
 * `callTool` throws (EIO when it has none) — a tool function that traps ends the run.
 * Errors thrown after the first model call started carry the run's `metrics`.
 */
import { parseChatCompletion, toolCallsOf } from './completion';
import { ChatError, errnoNameOf, toChatError } from './errors';
import { ChatMetricsRecorder, type ChatRunMetrics, type Clock, type ToolCallMetrics } from './metrics';
import { resolveChatSettings } from './params';
import { findTool, resolveTools, type ResolvedTool } from './tools';
import { truncateToolOutput } from './truncate';
import type {
  BackendChatRequest,
  ChatBackend,
  ChatCompletion,
  ChatMessage,
  ChatRequest,
  ChatStopReason,
  ChatToolCall,
  SpearChatCompletion,
} from './types';

/** What a guest tool function gave: its return code and, when `rc >= 0`, its output. */
export interface ToolResult {
  rc: number;
  output: string;
}

/**
 * Runs the guest's tool function `fnOffset` with `argsJson` (the model's `arguments`,
 * verbatim) on the guest's own thread. Supplied by the guest host.
 */
export type CallTool = (fnOffset: number, name: string, argsJson: string) => Promise<ToolResult>;

export interface RunChatOptions {
  /** AUTO_TOOL_CALL: run the model/tool loop (default: one model call). */
  autoToolCall?: boolean;
  /** Aborting it ends the run with ECANCELED. */
  signal?: AbortSignal;
  /** The clock for latency metrics, in ms (default `performance.now`). */
  clock?: Clock;
}

export interface ChatRunResult {
  /** The response for `cchat_recv`: the final completion with `_spear` added. */
  response: SpearChatCompletion;
  /**
   * The conversation after the run, for a guest host that keeps it: the request's
   * messages, each assistant message whose tool calls ran with its tool messages, then the
   * final reply's message — unless that reply asks for tools that were not run (a limit
   * stopped the loop, or no AUTO_TOOL_CALL): tool calls without results would make the
   * next request invalid, so it is left out (it is still the `response`).
   */
  messages: ChatMessage[];
  /** For GET_METRICS. */
  metrics: ChatRunMetrics;
}

const ROLES: ReadonlySet<string> = new Set(['system', 'user', 'assistant', 'tool']);

function checkMessages(messages: readonly ChatMessage[]): void {
  messages.forEach((m, i) => {
    if (!ROLES.has(m.role)) throw new ChatError('EINVAL', `message ${i}: role '${String(m.role)}' is not system, user, assistant or tool`);
    if (typeof m.content !== 'string' && m.content !== null) throw new ChatError('EINVAL', `message ${i}: content is not a string`);
  });
}

function assistantMessage(reply: ChatCompletion): ChatMessage {
  const msg = reply.choices[0].message;
  const out: ChatMessage = { role: 'assistant', content: msg.content };
  if (msg.tool_calls !== undefined && msg.tool_calls.length > 0) out.tool_calls = msg.tool_calls;
  return out;
}

function errorJson(error: string, extra: Record<string, string | number> = {}): string {
  return JSON.stringify({ error, ...extra });
}

export async function runChat(
  request: ChatRequest,
  backend: ChatBackend,
  callTool: CallTool,
  opts: RunChatOptions = {},
): Promise<ChatRunResult> {
  const settings = resolveChatSettings(request.params);
  const { limits } = settings;
  const model = settings.model ?? backend.defaultModel;
  if (model === undefined || model === '') {
    throw new ChatError('EINVAL', `no model: set the 'model' param or the host's model option (backend '${backend.name}')`);
  }
  checkMessages(request.messages);
  const tools = resolveTools(request.tools);
  const signal = opts.signal ?? new AbortController().signal;
  const source = `chat backend '${backend.name}'`;

  const base: Omit<BackendChatRequest, 'messages'> = { model };
  if (tools.length > 0) base.tools = tools.map((t) => t.spec);
  if (settings.maxTokens !== undefined) base.max_tokens = settings.maxTokens;
  if (settings.temperature !== undefined) base.temperature = settings.temperature;
  if (settings.responseFormat !== undefined) base.response_format = settings.responseFormat;

  const rec = new ChatMetricsRecorder(backend.name, model, opts.clock ?? (() => performance.now()));
  const messages: ChatMessage[] = request.messages.slice();
  let toolCallsRun = 0;

  const checkAbort = (): void => {
    if (signal.aborted) throw new ChatError('ECANCELED', 'chat request cancelled');
  };

  async function callModel(): Promise<ChatCompletion> {
    checkAbort();
    const elapsed = rec.timer();
    let raw: unknown;
    try {
      raw = await backend.complete({ ...base, messages: messages.slice() }, { signal, timeoutMs: settings.timeoutMs });
    } catch (e) {
      throw toChatError(e, source);
    }
    const reply = parseChatCompletion(raw, source);
    rec.modelCall(elapsed(), reply);
    return reply;
  }

  async function answer(call: ChatToolCall, indexInReply: number): Promise<string> {
    const name = call.function.name;
    const skip = (skipped: NonNullable<ToolCallMetrics['skipped']>, content: string): string => {
      rec.toolCall({ name, latency_ms: 0, skipped, output_bytes: 0, truncated: false });
      return content;
    };
    if (indexInReply >= limits.maxToolCalls) return skip('max_tool_calls', errorJson('max_tool_calls', { limit: limits.maxToolCalls }));
    if (toolCallsRun >= limits.maxTotalToolCalls) {
      return skip('max_total_tool_calls', errorJson('max_total_tool_calls', { limit: limits.maxTotalToolCalls }));
    }
    const tool: ResolvedTool | undefined = findTool(tools, name);
    if (tool === undefined) return skip('unknown_tool', errorJson('unknown_tool', { tool: name }));

    checkAbort();
    toolCallsRun++;
    const elapsed = rec.timer();
    let result: ToolResult;
    try {
      result = await callTool(tool.fnOffset, name, call.function.arguments);
    } catch (e) {
      throw toChatError(e, `tool '${name}'`);
    }
    if (result.rc < 0) {
      rec.toolCall({ name, latency_ms: elapsed(), rc: result.rc, output_bytes: 0, truncated: false });
      return errorJson(errnoNameOf(result.rc) ?? `rc ${result.rc}`);
    }
    const out = truncateToolOutput(result.output, limits.maxToolOutputBytes);
    rec.toolCall({ name, latency_ms: elapsed(), rc: result.rc, output_bytes: out.bytes, truncated: out.truncated });
    return out.text;
  }

  try {
    let reply = await callModel();
    let stopped: ChatStopReason | undefined;
    for (;;) {
      const calls = toolCallsOf(reply);
      if (!opts.autoToolCall || calls.length === 0) break;
      if (rec.metrics.iterations >= limits.maxIterations) {
        stopped = 'max_iterations';
        break;
      }
      if (toolCallsRun >= limits.maxTotalToolCalls) {
        stopped = 'max_total_tool_calls';
        break;
      }
      messages.push(assistantMessage(reply));
      for (let i = 0; i < calls.length; i++) {
        messages.push({ role: 'tool', tool_call_id: calls[i].id, content: await answer(calls[i], i) });
      }
      reply = await callModel();
    }
    if (toolCallsOf(reply).length === 0) messages.push(assistantMessage(reply));
    const metrics = rec.finish({ stopped });
    const spear: SpearChatCompletion['_spear'] = { backend: backend.name, model, iterations: metrics.iterations, tool_calls: metrics.tool_calls };
    if (stopped !== undefined) spear.stopped = stopped;
    return { response: { ...reply, _spear: spear }, messages, metrics };
  } catch (e) {
    const err = toChatError(e, source);
    err.metrics = rec.finish({ error: err.code });
    throw err;
  }
}
