/**
 * Serving one guest's chat requests on the main thread: each `cchat_send` becomes a
 * `runChat` with the host's backends; its answer completes the response fd
 * (`completeChat`, with the messages the loop appended to the session and, with
 * ENABLE_METRICS, the GET_METRICS JSON) — a failed model call too, as a readable error body.
 * Only a run that cannot finish (the guest ended) fails the fd (`failChat`). Tool calls of
 * the AUTO_TOOL_CALL loop are posted to the guest's thread as callbacks (`postCallback`)
 * and answered by its worker.
 */
import { ChatError, runChat, toChatError, type ChatBackend, type ChatBackendRegistry, type ToolResult } from '../chat';
import type { ChatMessage, ChatRequest, RegisteredTool } from '../chat/types';
import { isJsonObject, type JsonObject, type JsonValue } from '../chat/json';
import { CchatSendFlags } from '../../generated/ts/constants';
import { HostwireError } from '../../generated/ts/errno';
import type { HostBridge } from './bridge';
import type { ChatMcp } from '../mcp';

/** The chat request JSON of the bridge (README.md), as parsed. */
export interface BridgeChatRequest {
  request: ChatRequest;
  flags: number;
}

/**
 * Parse the bridge's chat request JSON; throws ChatError EIO when the core sent something
 * else. A tool whose text is not JSON is left out (SPEAR gives the backend only the tools
 * that parse, and maps no name to it).
 */
export function parseBridgeChatRequest(json: string): BridgeChatRequest {
  let v: unknown;
  try {
    v = JSON.parse(json);
  } catch {
    throw new ChatError('EIO', 'the native core sent a chat request that is not JSON');
  }
  if (!isJsonObject(v) || !Array.isArray(v.messages)) throw new ChatError('EIO', 'the native core sent a chat request without messages');
  const tools: RegisteredTool[] = [];
  for (const t of Array.isArray(v.tools) ? v.tools : []) {
    if (!isJsonObject(t) || typeof t.fn_offset !== 'number') throw new ChatError('EIO', 'the native core sent a tool without fn_offset');
    let spec: JsonValue = t.spec;
    if (typeof spec === 'string') {
      try {
        spec = JSON.parse(spec) as JsonValue;
      } catch {
        continue;
      }
    }
    tools.push({ fnOffset: t.fn_offset, spec });
  }
  const params = isJsonObject(v.params) ? v.params : {};
  const flags = typeof v.flags === 'number' ? v.flags : 0;
  const request: ChatRequest = { messages: v.messages as unknown as ChatMessage[], tools, params: params as JsonObject };
  if (typeof v.fd === 'number') request.requestId = `chatcmpl_${v.fd}`;
  return { request, flags };
}

/** serde_json's `as_i64(...) as i32`: an integer wrapped to i32, or `dflt`. */
function asI32(v: JsonValue | undefined, dflt: number): number {
  return typeof v === 'number' && Number.isSafeInteger(v) ? v | 0 : dflt;
}

/** The tool-callback payload for `fnOffset`, with the arena params read as SPEAR reads them. */
export function toolPayload(params: ChatRequest['params'], fnOffset: number, args: string): string {
  const max = params.max_tool_output_bytes;
  const maxOutput = typeof max === 'number' && Number.isInteger(max) && max >= 0 ? Math.min(max, 1024 * 1024) : 64 * 1024;
  return JSON.stringify({
    fn_offset: fnOffset,
    args,
    arena_ptr: asI32(params.tool_arena_ptr, 0),
    arena_len: asI32(params.tool_arena_len, 0),
    max_output_bytes: maxOutput,
  });
}

interface PendingCallback {
  resolve(r: ToolResult): void;
  reject(e: Error): void;
}

export class GuestChatService {
  private nextCallbackId = 0;
  private readonly callbacks = new Map<number, PendingCallback>();
  private readonly running = new Set<Promise<void>>();
  private readonly stop = new AbortController();

  constructor(
    private readonly bridge: HostBridge,
    private readonly backends: ChatBackendRegistry,
    private readonly instanceId: number,
    private readonly mcp?: ChatMcp,
    /** Told of each failed model call (the guest gets its error body all the same). */
    private readonly onBackendError?: (error: ChatError) => void,
  ) {}

  /** A `chat-request` from the guest's worker: serve it (asynchronously). */
  serve(responseFd: number, requestJson: string): void {
    const p = this.answer(responseFd, requestJson).finally(() => this.running.delete(p));
    this.running.add(p);
  }

  /** A `callback-result` from the guest's worker. */
  callbackResult(id: number, rc: number, output: string): void {
    const pending = this.callbacks.get(id);
    if (pending === undefined) return;
    this.callbacks.delete(id);
    pending.resolve({ rc, output });
  }

  /** The guest ended: cancel what runs, fail what waits for the guest; resolves when all settled. */
  async close(): Promise<void> {
    this.stop.abort();
    for (const [id, p] of this.callbacks) {
      this.callbacks.delete(id);
      p.reject(new ChatError('ECANCELED', 'the guest ended before its tool ran'));
    }
    await Promise.allSettled([...this.running]);
  }

  private async answer(responseFd: number, requestJson: string): Promise<void> {
    try {
      const { request, flags } = parseBridgeChatRequest(requestJson);
      const metrics = (flags & CchatSendFlags.ENABLE_METRICS) !== 0;
      let backend: ChatBackend;
      try {
        backend = this.backends.select(typeof request.params.backend === 'string' ? request.params.backend : undefined);
      } catch (e) {
        // No backend for the request: SPEAR's engine fails the call, a readable error body.
        const body = JSON.stringify({ error: { message: toChatError(e, 'chat').message } });
        this.bridge.completeChat(this.instanceId, responseFd, Buffer.from(body, 'utf8'), metrics ? '{}' : '');
        return;
      }
      const callTool = (fnOffset: number, _name: string, args: string): Promise<ToolResult> => this.callTool(request, fnOffset, args);
      const result = await runChat(request, backend, callTool, {
        autoToolCall: (flags & CchatSendFlags.AUTO_TOOL_CALL) !== 0,
        metrics,
        signal: this.stop.signal,
        ...(this.mcp ? { mcp: this.mcp } : {}),
        ...(this.onBackendError ? { onModelError: this.onBackendError } : {}),
      });
      const usage = result.usage === undefined ? '' : JSON.stringify(result.usage);
      const appended = result.appended.length === 0 ? '' : JSON.stringify(result.appended);
      this.bridge.completeChat(this.instanceId, responseFd, Buffer.from(JSON.stringify(result.response), 'utf8'), usage, appended);
    } catch (e) {
      const err = toChatError(e, 'chat');
      this.bridge.failChat(this.instanceId, responseFd, err.errno);
    }
  }

  private callTool(request: ChatRequest, fnOffset: number, args: string): Promise<ToolResult> {
    const id = ++this.nextCallbackId;
    const payload = toolPayload(request.params, fnOffset, args);
    return new Promise<ToolResult>((resolve, reject) => {
      if (this.stop.signal.aborted) {
        reject(new ChatError('ECANCELED', 'the guest ended before its tool ran'));
        return;
      }
      this.callbacks.set(id, { resolve, reject });
      const rc = this.bridge.postCallback(this.instanceId, id, payload);
      if (rc < 0) {
        this.callbacks.delete(id);
        reject(new HostwireError(rc, 'the tool call could not be posted to the guest'));
      }
    });
  }
}
