/**
 * `runChat`: one `cchat_send`, as SPEAR's `host_api/cchat.rs` runs it (`cchat_send`,
 * `cchat_send_with_tools`). Without AUTO_TOOL_CALL it is one model call and the session's
 * conversation is left as it was. With it, the host runs the model/tool loop:
 *
 * 1. when the model has been called `max_iterations` times (default 8, at most 128), stop
 *    with `{"error":{"code":"tool_call_limit","message":"exceeded max_iterations"}}`;
 * 2. call the model with the conversation and the registered tools;
 * 3. a reply without tool calls ends the run: its message (role, content, name) is appended
 *    to the conversation and the reply is the response;
 * 4. otherwise append the assistant message (with its `tool_calls`), then for each tool call
 *    in order: when `max_total_tool_calls` (default 32, at most 10000; `max_tool_calls` is
 *    read when it is absent) calls already ran, stop with
 *    `{"error":{"code":"tool_call_limit","message":"exceeded max_total_tool_calls"}}`; else
 *    append a `tool` message (`tool_call_id` = the call's id) holding the tool's output, or
 *    `{"error":{"code":"tool_exec_failed","message":"tool rc: RC"}}` when the tool function
 *    gave a non-zero rc (or could not run), or
 *    `{"error":{"code":"unknown_tool","message":"unknown tool: NAME"}}` for a name nobody
 *    registered; go back to 1.
 *
 * With MCP (`opts.mcp`, runtime/mcp), as SPEAR: before each model call the tools of the
 * session's MCP servers are listed and offered after the registered ones, under their
 * namespaced names; a tool call that names no registered tool and starts with `mcp.` or
 * `mcp__` runs on its MCP server, and its `tool` message holds the result JSON, or
 * `{"error":{"code":"mcp_tool_failed","message":"..."}}`.
 *
 * A limit's body is the response; what the loop appended before it stays in the session.
 * A limit param that is not a non-negative integer is its default.
 *
 * A failed model call (backend error, timeout, a reply that is not a chat completion) is a
 * readable response too, as in SPEAR: `{"error":{"message":"..."}}` (and `opts.onModelError` is
 * told of it). The only errors
 * `runChat` throws are `ChatError`s ECANCELED when `opts.signal` aborts, and the error of a
 * `callTool` that throws (the guest ended while its tool was wanted).
 *
 * Every response that is not an error body is the completion with
 * `_spear: {"backend", "model"}` added (`model` the requested model, or the reply's when none
 * was requested). With ENABLE_METRICS, `usage` (for GET_METRICS) is SPEAR's
 * `{"prompt_tokens": N, "completion_tokens": 1, "total_tokens": N + 1}`, N the number of
 * messages the last model call was given; after an error body it is `{}`.
 */
import { parseChatCompletion, toolCallsOf } from './completion';
import { ChatError, toChatError } from './errors';
import { isJsonObject, type JsonObject, type JsonValue } from './json';
import { ChatMetricsRecorder, type ChatRunMetrics, type Clock } from './metrics';
import type { ChatMcp } from '../mcp';
import { isMcpToolName } from '../mcp/policy';
import type { BackendChatRequest, ChatBackend, ChatCompletion, ChatMessage, ChatRequest, ToolSpec } from './types';

/** What a guest tool function gave: rc 0 and its output, or the non-zero rc that failed it. */
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
  /** ENABLE_METRICS: produce `usage` for GET_METRICS. */
  metrics?: boolean;
  /** Aborting it ends the run with ECANCELED. */
  signal?: AbortSignal;
  /** The clock for latency metrics, in ms (default `performance.now`). */
  clock?: Clock;
  /** The host's MCP servers (none: MCP-named calls fail with "mcp registry not available"). */
  mcp?: ChatMcp;
  /**
   * Told of each failed model call (the backend's error, a timeout, a reply that is not a chat
   * completion) before its message becomes the error body; not of a cancellation.
   */
  onModelError?: (error: ChatError) => void;
}

export interface ChatRunResult {
  /** The response for `cchat_recv`: the final completion with `_spear`, or an error body. */
  response: JsonObject;
  /**
   * The messages the run appended to the session's conversation, in order (AUTO_TOOL_CALL
   * only; none otherwise).
   */
  appended: ChatMessage[];
  /** The GET_METRICS JSON of the response, or undefined without ENABLE_METRICS. */
  usage?: JsonObject;
  /** What the host saw of the run (latencies, calls), for its own logs. */
  metrics: ChatRunMetrics;
}

/** The default and the cap of each loop limit (SPEAR's). */
export const CHAT_LOOP_LIMITS = Object.freeze({
  maxIterations: { default: 8, cap: 128 },
  maxTotalToolCalls: { default: 32, cap: 10_000 },
});

/** serde_json's `as_u64`: a non-negative integer, else undefined. */
function asU64(v: JsonValue | undefined): number | undefined {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : undefined;
}

function limit(v: JsonValue | undefined, l: { default: number; cap: number }): number {
  return Math.min(asU64(v) ?? l.default, l.cap);
}

/** The tool name → fn_offset map: `function.name`, or a flat `name`; the first registration wins. */
function toolOffsets(tools: ChatRequest['tools']): Map<string, number> {
  const m = new Map<string, number>();
  for (const t of tools) {
    if (!isJsonObject(t.spec)) continue;
    const fn = t.spec.function;
    const name = isJsonObject(fn) && typeof fn.name === 'string' ? fn.name : typeof t.spec.name === 'string' ? t.spec.name : undefined;
    if (name === undefined || name === '' || m.has(name)) continue;
    m.set(name, t.fnOffset);
  }
  return m;
}

function errorBody(error: JsonObject): JsonObject {
  return { error };
}

/** The message of a reply as SPEAR appends it: role (default assistant), content, name; tool calls if asked. */
function replyMessage(reply: ChatCompletion, withToolCalls: boolean): ChatMessage {
  const msg = reply.choices[0].message;
  const out: ChatMessage = { role: typeof msg.role === 'string' ? msg.role : 'assistant', content: msg.content ?? null };
  if (withToolCalls && msg.tool_calls !== undefined) out.tool_calls = msg.tool_calls;
  if (typeof msg.name === 'string') out.name = msg.name;
  return out;
}

export async function runChat(
  request: ChatRequest,
  backend: ChatBackend,
  callTool: CallTool,
  opts: RunChatOptions = {},
): Promise<ChatRunResult> {
  const { params } = request;
  const requested = typeof params.model === 'string' ? params.model : '';
  const model = requested !== '' ? requested : (backend.defaultModel ?? '');
  const signal = opts.signal ?? new AbortController().signal;
  const source = `chat backend '${backend.name}'`;
  const timeoutMs = asU64(params.timeout_ms);

  const base: Omit<BackendChatRequest, 'messages'> = { model };
  if (request.requestId !== undefined) base.request_id = request.requestId;
  const specs = request.tools.map((t) => t.spec as unknown as ToolSpec);
  if (typeof params.max_tokens === 'number') base.max_tokens = params.max_tokens;
  if (typeof params.temperature === 'number') base.temperature = params.temperature;
  const rf = params.response_format;
  if (typeof rf === 'string' && rf !== '') base.response_format = { type: rf };
  else if (isJsonObject(rf)) base.response_format = rf;

  const rec = new ChatMetricsRecorder(backend.name, model, opts.clock ?? (() => performance.now()));
  const messages: ChatMessage[] = request.messages.slice();
  const appended: ChatMessage[] = [];
  const offsets = toolOffsets(request.tools);
  const maxIterations = limit(params.max_iterations, CHAT_LOOP_LIMITS.maxIterations);
  const maxTotal = limit(params.max_total_tool_calls ?? params.max_tool_calls, CHAT_LOOP_LIMITS.maxTotalToolCalls);
  let lastPromptMessages = 0;

  const append = (m: ChatMessage): void => {
    messages.push(m);
    if (opts.autoToolCall) appended.push(m);
  };
  const checkAbort = (): void => {
    if (signal.aborted) throw new ChatError('ECANCELED', 'chat request cancelled');
  };
  const done = (response: JsonObject, ok: boolean): ChatRunResult => {
    const metrics = rec.finish({});
    const result: ChatRunResult = { response, appended, metrics };
    if (opts.metrics) {
      result.usage = ok ? { prompt_tokens: lastPromptMessages, completion_tokens: 1, total_tokens: lastPromptMessages + 1 } : {};
    }
    return result;
  };

  /** The model's reply, or the message of its failure. */
  async function callModel(): Promise<ChatCompletion | string> {
    checkAbort();
    const elapsed = rec.timer();
    lastPromptMessages = messages.length;
    try {
      const mcpTools = opts.mcp ? ((await opts.mcp.tools(params)) as unknown as ToolSpec[]) : [];
      checkAbort();
      const tools = mcpTools.length > 0 ? specs.concat(mcpTools) : specs;
      const req: BackendChatRequest = { ...base, messages: messages.slice() };
      if (tools.length > 0) req.tools = tools;
      const raw = await backend.complete(req, { signal, timeoutMs });
      const reply = parseChatCompletion(raw, source);
      rec.modelCall(elapsed(), reply);
      return reply;
    } catch (e) {
      checkAbort();
      const error = toChatError(e, source);
      opts.onModelError?.(error);
      return error.message;
    }
  }

  async function runTool(name: string, args: string): Promise<string> {
    const fnOffset = offsets.get(name);
    if (fnOffset === undefined && isMcpToolName(name)) {
      checkAbort();
      const r = opts.mcp ? await opts.mcp.call(params, name, args) : { error: 'mcp registry not available' };
      checkAbort();
      return 'output' in r ? r.output : JSON.stringify(errorBody({ code: 'mcp_tool_failed', message: r.error }));
    }
    if (fnOffset === undefined) return JSON.stringify(errorBody({ code: 'unknown_tool', message: `unknown tool: ${name}` }));
    checkAbort();
    const elapsed = rec.timer();
    let result: ToolResult;
    try {
      result = await callTool(fnOffset, name, args);
    } catch (e) {
      throw toChatError(e, `tool '${name}'`);
    }
    rec.toolCall({ name, latency_ms: elapsed(), rc: result.rc, output_bytes: Buffer.byteLength(result.output), truncated: false });
    if (result.rc !== 0) return JSON.stringify(errorBody({ code: 'tool_exec_failed', message: `tool rc: ${result.rc}` }));
    return result.output;
  }

  let iterations = 0;
  let toolCallsRun = 0;
  for (;;) {
    if (opts.autoToolCall && iterations >= maxIterations) {
      return done(errorBody({ code: 'tool_call_limit', message: 'exceeded max_iterations' }), false);
    }
    const reply = await callModel();
    if (typeof reply === 'string') return done(errorBody({ message: reply }), false);
    const calls = toolCallsOf(reply);
    if (!opts.autoToolCall || calls.length === 0) {
      append(replyMessage(reply, false));
      const respModel = typeof reply.model === 'string' ? reply.model.trim() : '';
      const spearModel = requested.trim() === '' && respModel !== '' ? respModel : requested;
      return done({ ...(reply as unknown as JsonObject), _spear: { backend: backend.name, model: spearModel } }, true);
    }
    append(replyMessage(reply, true));
    for (const call of calls) {
      if (toolCallsRun >= maxTotal) {
        return done(errorBody({ code: 'tool_call_limit', message: 'exceeded max_total_tool_calls' }), false);
      }
      toolCallsRun++;
      const content = await runTool(call.function.name, call.function.arguments);
      append({ role: 'tool', content, tool_call_id: call.id });
    }
    iterations++;
  }
}
