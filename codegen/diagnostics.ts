/** Problems found in an IDL, each naming the file, the place inside it and what was expected. */

export interface Diagnostic {
  /** The IDL file, relative to the working directory when possible. */
  file: string;
  /** JSON pointer inside the file ('' for the whole file). */
  pointer: string;
  /** 1-based line, when known. */
  line?: number;
  message: string;
}

export function formatDiagnostic(d: Diagnostic): string {
  const where = d.line !== undefined ? `${d.file}:${d.line}` : d.file;
  return `${where}: ${d.pointer || '/'}: ${d.message}`;
}

/** Thrown by the pipeline when the IDL is broken; carries every problem found. */
export class IdlError extends Error {
  readonly diagnostics: Diagnostic[];
  constructor(diagnostics: Diagnostic[]) {
    super(diagnostics.map(formatDiagnostic).join('\n'));
    this.name = 'IdlError';
    this.diagnostics = diagnostics;
  }
}

/** Escape one JSON-pointer segment (RFC 6901). */
export function pointerSegment(s: string | number): string {
  return String(s).replace(/~/g, '~0').replace(/\//g, '~1');
}

export function pointer(...segments: Array<string | number>): string {
  return segments.map((s) => '/' + pointerSegment(s)).join('');
}
