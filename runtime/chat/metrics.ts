/**
 * What one `runChat` did, for the host's own view (the guest's GET_METRICS is SPEAR's usage
 * JSON, `ChatRunResult.usage`): per model call its latency and token usage, per tool call its
 * latency and result, and the totals. Field names are snake_case.
 */
import type { ErrnoName } from '../../generated/ts/errno';
import type { ChatCompletion, ChatStopReason } from './types';

export interface ModelCallMetrics {
  latency_ms: number;
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  finish_reason: string | null;
  /** Tool calls the reply asked for. */
  tool_calls: number;
}

export interface ToolCallMetrics {
  name: string;
  latency_ms: number;
  /** The tool function's return code; absent when it was not run. */
  rc?: number;
  /** Why the call was answered with an error instead of being run. */
  skipped?: 'unknown_tool' | 'max_tool_calls' | 'max_total_tool_calls';
  output_bytes: number;
  truncated: boolean;
}

export interface ChatRunMetrics {
  backend: string;
  model: string;
  /** Model calls made. */
  iterations: number;
  /** Tool functions run. */
  tool_calls: number;
  /** Tool functions that returned a negative rc. */
  tool_errors: number;
  /** Tool calls answered with an error without running (unknown tool, limits). */
  tool_calls_skipped: number;
  /** Sums over the model calls (a reply without `usage` adds 0). */
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
  /** From the start of `runChat` to its end. */
  latency_ms: number;
  model_calls: ModelCallMetrics[];
  tools: ToolCallMetrics[];
  stopped?: ChatStopReason;
  /** Set when the run failed. */
  error?: ErrnoName;
}

/** A millisecond clock; `performance.now` unless a test gives its own. */
export type Clock = () => number;

const ms = (t: number): number => Math.round(t * 1000) / 1000;

/** Accumulates `ChatRunMetrics` as the loop runs. */
export class ChatMetricsRecorder {
  readonly metrics: ChatRunMetrics;
  private readonly start: number;

  constructor(
    backend: string,
    model: string,
    private readonly now: Clock,
  ) {
    this.start = now();
    this.metrics = {
      backend,
      model,
      iterations: 0,
      tool_calls: 0,
      tool_errors: 0,
      tool_calls_skipped: 0,
      usage: { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 },
      latency_ms: 0,
      model_calls: [],
      tools: [],
    };
  }

  /** Start timing; the returned function gives the ms elapsed. */
  timer(): () => number {
    const t0 = this.now();
    return () => ms(this.now() - t0);
  }

  modelCall(latencyMs: number, reply: ChatCompletion): void {
    const u = reply.usage;
    const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
    const call: ModelCallMetrics = {
      latency_ms: latencyMs,
      prompt_tokens: num(u?.prompt_tokens),
      completion_tokens: num(u?.completion_tokens),
      total_tokens: num(u?.total_tokens),
      finish_reason: reply.choices[0].finish_reason ?? null,
      tool_calls: reply.choices[0].message.tool_calls?.length ?? 0,
    };
    const m = this.metrics;
    m.iterations++;
    m.model_calls.push(call);
    m.usage.prompt_tokens += call.prompt_tokens;
    m.usage.completion_tokens += call.completion_tokens;
    m.usage.total_tokens += call.total_tokens;
  }

  toolCall(t: ToolCallMetrics): void {
    const m = this.metrics;
    m.tools.push(t);
    if (t.skipped !== undefined) m.tool_calls_skipped++;
    else m.tool_calls++;
    if (t.rc !== undefined && t.rc < 0) m.tool_errors++;
  }

  finish(outcome: { stopped?: ChatStopReason; error?: ErrnoName }): ChatRunMetrics {
    this.metrics.latency_ms = ms(this.now() - this.start);
    if (outcome.stopped !== undefined) this.metrics.stopped = outcome.stopped;
    if (outcome.error !== undefined) this.metrics.error = outcome.error;
    return this.metrics;
  }
}
