/** Stage 1: read the YAML (or JSON) IDL files. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LineCounter, parseDocument, isAlias, isCollection, isNode, isPair, isScalar, visit, type Alias, type Document } from 'yaml';
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
  if (!stat) throw new IdlError([{ file: displayPath(idlPath), pointer: '', message: 'no such file or folder; expected an IDL file or a folder of them' }]);
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

/** yaml's own bound on alias expansion (its `maxAliasCount`): more is refused as an alias bomb. */
export const MAX_ALIAS_COUNT = 100;

/** The first alias node of `doc` for which `test` holds, in document order. */
function findAlias(doc: Document, test: (a: Alias) => boolean): Alias | undefined {
  let found: Alias | undefined;
  visit(doc, {
    Alias(_key, node) {
      if (test(node)) {
        found = node;
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return found;
}

/** Whether the node an alias names contains aliases itself (so each use multiplies them). */
const aliasOfAliases = (doc: Document) => (a: Alias): boolean => {
  const target = a.resolve(doc);
  let nested = false;
  if (target) {
    visit(target, {
      Alias() {
        nested = true;
        return visit.BREAK;
      },
    });
  }
  return nested;
};

/**
 * What yaml refuses while building the data (aliases that expand too much, aliases of no
 * anchor, aliases inside the node they name), and keys that are not scalars (which would not
 * survive as object keys), as diagnostics at the alias or key, in document order. The nodes
 * are walked directly: yaml's `visit` builds a path for every node, which an IDL with
 * thousands of them pays for on every run.
 */
function yamlProblems(doc: Document, at: (node: { range?: [number, number, number] | null } | undefined, message: string) => Diagnostic): Diagnostic[] {
  const out: Diagnostic[] = [];
  const walk = (node: unknown): void => {
    if (isCollection(node)) {
      for (const item of node.items) walk(item);
    } else if (isPair(node)) {
      if (node.key !== null && isNode(node.key) && !isScalar(node.key)) {
        out.push(at(node.key, 'expected a plain scalar key (a YAML mapping or sequence cannot be a key)'));
      }
      walk(node.key);
      walk(node.value);
    } else if (isAlias(node)) {
      const target = node.resolve(doc);
      if (!target) {
        out.push(at(node, `YAML alias '*${node.source}' names no anchor before it; expected an '&${node.source}' anchor earlier in the file`));
      } else if (target.range && node.range && node.range[0] >= target.range[0] && node.range[0] < target.range[1]) {
        out.push(at(node, `YAML alias '*${node.source}' is inside the node it names, which would make it infinite; expected an alias of a node that does not contain it`));
      }
    }
  };
  walk(doc.contents);
  return out;
}

/** Whether `data` holds a value JSON cannot hold (binary, sets, NaN): the common answer, no, without building pointers. */
function hasNonJson(v: unknown): boolean {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return false;
  if (typeof v === 'number') return !Number.isFinite(v);
  if (Array.isArray(v)) {
    for (const x of v) if (hasNonJson(x)) return true;
    return false;
  }
  if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    for (const k in v as Record<string, unknown>) if (hasNonJson((v as Record<string, unknown>)[k])) return true;
    return false;
  }
  return true;
}

/** The JSON pointer and a description of the first value that JSON cannot hold (binary, sets, NaN), if any. */
function nonJson(data: unknown): { pointer: string; what: string } | undefined {
  const stack: Array<{ v: unknown; p: string }> = [{ v: data, p: '' }];
  while (stack.length) {
    const { v, p } = stack.pop()!;
    if (v === null || typeof v === 'string' || typeof v === 'boolean') continue;
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) return { pointer: p, what: String(v) };
      continue;
    }
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ v: v[i], p: `${p}/${i}` });
      continue;
    }
    if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
      const entries = Object.entries(v as Record<string, unknown>);
      for (let i = entries.length - 1; i >= 0; i--) stack.push({ v: entries[i][1], p: `${p}/${entries[i][0].replace(/~/g, '~0').replace(/\//g, '~1')}` });
      continue;
    }
    const name = typeof v === 'object' ? (v as object).constructor?.name ?? 'object' : typeof v;
    return { pointer: p, what: `a ${name}` };
  }
  return undefined;
}

/**
 * Parse the text of one IDL file: YAML (JSON is YAML). Syntax errors, alias bombs and values
 * JSON cannot hold become diagnostics with the file and line; nothing here throws anything
 * else.
 */
export function parseSource(text: string, shown: string, relPath: string): SourceFile {
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
  const lineAt = (node: { range?: [number, number, number] | null } | undefined): number => (node?.range ? lc.linePos(node.range[0]).line : 1);
  const at = (node: { range?: [number, number, number] | null } | undefined, message: string): Diagnostic => ({ file: shown, pointer: '', line: lineAt(node), message });
  const problems = yamlProblems(doc, at);
  if (problems.length) throw new IdlError(problems);
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    if (!(e instanceof ReferenceError)) throw e;
    const alias = findAlias(doc, aliasOfAliases(doc)) ?? findAlias(doc, () => true);
    throw new IdlError([
      at(
        alias,
        `YAML aliases expand too much (${e.message}); expected at most ${MAX_ALIAS_COUNT} alias expansions in a file (no nested aliases that multiply)`,
      ),
    ]);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new IdlError([{ file: shown, pointer: '', line: 1, message: 'expected a mapping of IDL sections (abi, errno, enums, ...)' }]);
  }
  const lineOf = lineFinder(doc, lc);
  const odd = hasNonJson(data) ? nonJson(data) : undefined;
  if (odd) {
    const node = doc.getIn(decodePointer(odd.pointer), true);
    const tag = isNode(node) && node.tag ? node.tag.replace(/^tag:yaml\.org,2002:/, '!!') : undefined;
    const got = tag ? `a value tagged ${tag}` : odd.what;
    throw new IdlError([{ file: shown, pointer: odd.pointer, line: lineOf(odd.pointer) ?? 1, message: `expected a JSON value: a string, number, boolean, null, list or mapping (got ${got})` }]);
  }
  return { displayPath: shown, relPath, data: data as Record<string, unknown>, lineOf };
}

/** Parse one file; syntax errors become diagnostics with file and line. */
export function loadFile(file: string, root: string): SourceFile {
  const text = fs.readFileSync(file, 'utf8');
  const relPath = (path.relative(root, file) || path.basename(file)).split(path.sep).join('/');
  return parseSource(text, displayPath(file), relPath);
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
