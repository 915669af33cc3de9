/**
 * Serving one guest's chat requests on the main thread: each `cchat_send` becomes a
 * `runChat` with the host's backends; its answer completes the response fd
 * (`completeChat`) or fails it (`failChat`). Tool calls of the AUTO_TOOL_CALL loop are posted
 * to the guest's thread as callbacks (`postCallback`) and answered by its worker.
 */
import { ChatError, runChat, toChatError, type ChatBackendRegistry, type ToolResult } from '../chat';
import { DEFAULT_CHAT_LIMITS } from '../chat/params';
import type { ChatMessage, ChatRequest, RegisteredTool } from '../chat/types';
import { isJsonObject, type JsonObject } from '../chat/json';
import { CchatSendFlags } from '../../generated/ts/constants';
import { HostwireError } from '../../generated/ts/errno';
import type { HostBridge } from './bridge';

/** The chat request JSON of the bridge (README.md), as parsed. */
export interface BridgeChatRequest {
  request: ChatRequest;
  flags: number;
}

/** Parse the bridge's chat request JSON; throws ChatError EIO when the core sent something else. */
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
    let spec: unknown = t.spec;
    if (typeof spec === 'string') {
      const text = spec;
      try {
        spec = JSON.parse(text);
      } catch {
        throw new ChatError('EINVAL', `tool JSON is not JSON: ${text.slice(0, 100)}`);
      }
    }
    if (!isJsonObject(spec)) throw new ChatError('EINVAL', 'tool JSON is not an object');
    tools.push({ fnOffset: t.fn_offset, spec });
  }
  const params = isJsonObject(v.params) ? v.params : {};
  const flags = typeof v.flags === 'number' ? v.flags : 0;
  return { request: { messages: v.messages as unknown as ChatMessage[], tools, params: params as JsonObject }, flags };
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
      const backend = this.backends.select(typeof request.params.backend === 'string' ? request.params.backend : undefined);
      const callTool = (fnOffset: number, _name: string, args: string): Promise<ToolResult> => this.callTool(request, fnOffset, args);
      const result = await runChat(request, backend, callTool, {
        autoToolCall: (flags & CchatSendFlags.AUTO_TOOL_CALL) !== 0,
        signal: this.stop.signal,
      });
      this.bridge.completeChat(this.instanceId, responseFd, Buffer.from(JSON.stringify(result.response), 'utf8'), JSON.stringify(result.metrics));
    } catch (e) {
      const err = toChatError(e, 'chat');
      this.bridge.failChat(this.instanceId, responseFd, err.errno);
    }
  }

  private callTool(request: ChatRequest, fnOffset: number, args: string): Promise<ToolResult> {
    const { params } = request;
    const id = ++this.nextCallbackId;
    const payload: Record<string, unknown> = {
      fn_offset: fnOffset,
      args,
      max_output_bytes: typeof params.max_tool_output_bytes === 'number' ? params.max_tool_output_bytes : DEFAULT_CHAT_LIMITS.maxToolOutputBytes,
    };
    if (typeof params.tool_arena_ptr === 'number') payload.arena_ptr = params.tool_arena_ptr;
    if (typeof params.tool_arena_len === 'number') payload.arena_len = params.tool_arena_len;
    return new Promise<ToolResult>((resolve, reject) => {
      if (this.stop.signal.aborted) {
        reject(new ChatError('ECANCELED', 'the guest ended before its tool ran'));
        return;
      }
      this.callbacks.set(id, { resolve, reject });
      const rc = this.bridge.postCallback(this.instanceId, id, JSON.stringify(payload));
      if (rc < 0) {
        this.callbacks.delete(id);
        reject(new HostwireError(rc, 'the tool call could not be posted to the guest'));
      }
    });
  }
}
