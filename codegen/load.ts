/** Stage 1: read the YAML (or JSON) IDL files. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LineCounter, parseDocument, isNode, type Document } from 'yaml';
import { Diagnostic, IdlError } from './diagnostics';

export interface SourceFile {
  /** Path as shown in messages (relative to the working directory when inside it). */
  displayPath: string;
  /** Path relative to the IDL root, with forward slashes. */
  relPath: string;
  data: Record<string, unknown>;
  /** The 1-based line of the node at a JSON pointer, or of its nearest ancestor. */
  lineOf(pointer: string): number | undefined;
}

const IDL_FILE = /\.(ya?ml|json)$/;
const NOT_IDL = /\.schema\.json$/;

function displayPath(p: string): string {
  const rel = path.relative(process.cwd(), p);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : p;
}

/** The IDL files at `idlPath`: the file itself, or every IDL file under the folder, sorted. */
export function listIdlFiles(idlPath: string): string[] {
  const stat = fs.statSync(idlPath, { throwIfNoEntry: false });
  if (!stat) throw new IdlError([{ file: displayPath(idlPath), pointer: '', message: 'no such file or folder' }]);
  if (stat.isFile()) return [idlPath];
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (IDL_FILE.test(entry.name) && !NOT_IDL.test(entry.name)) out.push(p);
    }
  };
  walk(idlPath);
  if (out.length === 0) {
    throw new IdlError([{ file: displayPath(idlPath), pointer: '', message: 'expected at least one .yaml, .yml or .json IDL file' }]);
  }
  return out;
}

function decodePointer(p: string): string[] {
  return p === '' ? [] : p.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function lineFinder(doc: Document, lc: LineCounter): (p: string) => number | undefined {
  return (p: string) => {
    const segs = decodePointer(p);
    for (let n = segs.length; n >= 0; n--) {
      const keys = segs.slice(0, n).map((s) => (/^\d+$/.test(s) ? Number(s) : s));
      const node = n === 0 ? doc.contents : doc.getIn(keys, true);
      if (isNode(node) && node.range) return lc.linePos(node.range[0]).line;
    }
    return undefined;
  };
}

/** Parse one file; syntax errors become diagnostics with file and line. */
export function loadFile(file: string, root: string): SourceFile {
  const text = fs.readFileSync(file, 'utf8');
  const shown = displayPath(file);
  const relPath = (path.relative(root, file) || path.basename(file)).split(path.sep).join('/');
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const diags: Diagnostic[] = doc.errors.map((e) => ({
      file: shown,
      pointer: '',
      line: lc.linePos(e.pos[0]).line,
      message: `YAML syntax error: ${e.message.split('\n')[0]}`,
    }));
    throw new IdlError(diags);
  }
  const data: unknown = doc.toJS({ maxAliasCount: 100 });
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new IdlError([{ file: shown, pointer: '', line: 1, message: 'expected a mapping of IDL sections (abi, errno, enums, ...)' }]);
  }
  return { displayPath: shown, relPath, data: data as Record<string, unknown>, lineOf: lineFinder(doc, lc) };
}

/** Load every IDL file at `idlPath`, collecting the syntax errors of all of them. */
export function loadIdl(idlPath: string): SourceFile[] {
  const files = listIdlFiles(idlPath);
  const root = fs.statSync(idlPath).isDirectory() ? idlPath : path.dirname(idlPath);
  const out: SourceFile[] = [];
  const diags: Diagnostic[] = [];
  for (const f of files) {
    try {
      out.push(loadFile(f, root));
    } catch (e) {
      if (e instanceof IdlError) diags.push(...e.diagnostics);
      else throw e;
    }
  }
  if (diags.length) throw new IdlError(diags);
  return out;
}
