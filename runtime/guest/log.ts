/** Guest log lines (`log(level, msg)`): levels, how a line is shown, what the SDK receives. */
import { LOG_MAX_BYTES, LogLevel } from '../../generated/ts/constants';

export type LogLevelName = keyof typeof LogLevel;

/** One guest log line, as `onLog` receives it. */
export interface GuestLogEntry {
  /** 0 TRACE .. 4 ERROR. */
  level: LogLevel;
  levelName: LogLevelName;
  message: string;
}

const NAMES: readonly LogLevelName[] = (Object.keys(LogLevel) as LogLevelName[]).sort((a, b) => LogLevel[a] - LogLevel[b]);

/** The name of a level (`2` → `'INFO'`), or undefined for a value outside the enum. */
export function logLevelName(level: number): LogLevelName | undefined {
  return NAMES.find((n) => LogLevel[n] === level);
}

const decoder = new TextDecoder('utf-8');

/**
 * The text of a log message: UTF-8 (invalid bytes replaced), one trailing newline dropped,
 * cut at LOG_MAX_BYTES (what the header's helpers send at most) with a note of the full size.
 */
export function logMessage(bytes: Uint8Array): string {
  let end = bytes.length;
  let cut = false;
  if (end > LOG_MAX_BYTES) {
    end = LOG_MAX_BYTES;
    cut = true;
  }
  if (!cut && end > 0 && bytes[end - 1] === 0x0a) end--;
  const text = decoder.decode(bytes.subarray(0, end));
  return cut ? `${text}... [${bytes.length} bytes, cut at ${LOG_MAX_BYTES}]` : text;
}

/** `[guest INFO] message`: how a log line is written to the host's stderr. */
export function formatLogLine(entry: GuestLogEntry): string {
  return `[guest ${entry.levelName}] ${entry.message}\n`;
}
