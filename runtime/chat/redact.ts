/** Keeping secrets out of messages: every text built from backend data passes through here. */

const MASK = '[redacted]';

/** `text` with every occurrence of each non-empty secret replaced by `[redacted]`. */
export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const s of secrets) if (s) out = out.split(s).join(MASK);
  return out;
}

/**
 * A URL as it may appear in a message: origin and path only — no user info, query or
 * fragment, where credentials sometimes hide.
 */
export function safeUrl(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}
