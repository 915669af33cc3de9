/**
 * Spelling shared by every back end: how an IDL name is cased, and how doc text is wrapped.
 * Each back end adds its own language's rules (keywords, literals) on top.
 */

const words = (name: string): string[] => name.split('_').filter((w) => w.length > 0);

/** `epoll_op` -> `EpollOp`, `ssf_v1_wire_header` -> `SsfV1WireHeader`. */
export function pascal(name: string): string {
  return words(name)
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join('');
}

/** `load_remote_conn_info` -> `loadRemoteConnInfo`, `timeout_ms` -> `timeoutMs`. */
export function camel(name: string): string {
  const p = pascal(name);
  return p.length === 0 ? p : p[0].toLowerCase() + p.slice(1);
}

/** `session_options` -> `SESSION_OPTIONS`. */
export function upperSnake(name: string): string {
  return words(name)
    .map((w) => w.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase())
    .join('_');
}

/** `MemoryRegion` -> `memory_region` (file names and C++ functions). */
export function snake(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1_$2')
    .toLowerCase();
}

/** Greedy word wrap of one paragraph into lines of at most `room` columns (longer words stand alone). */
export function wrap(text: string, room: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > room) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  lines.push(line);
  return lines;
}
