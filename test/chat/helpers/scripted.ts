/** A scripted chat backend for the loop tests: answers from a list and records what it was asked. */
import type { BackendCallOptions, BackendChatRequest, ChatBackend, ChatCompletion, ChatToolCall } from '../../../runtime/chat/types';

export interface ScriptedBackend extends ChatBackend {
  requests: BackendChatRequest[];
  options: BackendCallOptions[];
}

/** A backend that answers the i-th call with `replies[i]` (the last one again past the end); `defaultModel` null for none. */
export function scripted(replies: ChatCompletion[], name = 'scripted', defaultModel: string | null = 'script-model'): ScriptedBackend {
  const requests: BackendChatRequest[] = [];
  const options: BackendCallOptions[] = [];
  return {
    name,
    defaultModel: defaultModel ?? undefined,
    requests,
    options,
    complete(req, opts) {
      requests.push(structuredClone(req));
      options.push(opts);
      return Promise.resolve(structuredClone(replies[Math.min(requests.length - 1, replies.length - 1)]));
    },
  };
}

export function call(id: string, name: string, args = '{}'): ChatToolCall {
  return { id, type: 'function', function: { name, arguments: args } };
}

/** A completion whose message asks for `calls`. */
export function toolReply(...calls: ChatToolCall[]): ChatCompletion {
  return {
    id: 'r',
    object: 'chat.completion',
    created: 0,
    model: 'script-model',
    choices: [{ index: 0, message: { role: 'assistant', content: null, tool_calls: calls }, finish_reason: 'tool_calls' }],
    usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
  };
}

/** A completion with text `content`. */
export function textReply(content: string): ChatCompletion {
  return {
    id: 'r',
    object: 'chat.completion',
    created: 0,
    model: 'script-model',
    choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
  };
}
