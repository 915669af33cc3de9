/** Cutting a tool's output to `max_tool_output_bytes` before it goes back to the model. */

export interface TruncatedOutput {
  /** The text for the model: the output, or its first bytes and the marker. */
  text: string;
  truncated: boolean;
  /** The output's full length in UTF-8 bytes. */
  bytes: number;
}

/** The marker appended to a cut output (`kept` and `total` in bytes). */
export function truncationMarker(kept: number, total: number): string {
  return `\n[truncated: ${kept} of ${total} bytes]`;
}

/**
 * `output` if it fits in `maxBytes` UTF-8 bytes; otherwise its first at most `maxBytes`
 * bytes, cut back to a character boundary, followed by `truncationMarker` (which is not
 * counted in `maxBytes`).
 */
export function truncateToolOutput(output: string, maxBytes: number): TruncatedOutput {
  const buf = Buffer.from(output, 'utf8');
  if (buf.length <= maxBytes) return { text: output, truncated: false, bytes: buf.length };
  let cut = maxBytes;
  while (cut > 0 && (buf[cut] & 0xc0) === 0x80) cut--;
  return { text: buf.subarray(0, cut).toString('utf8') + truncationMarker(cut, buf.length), truncated: true, bytes: buf.length };
}
