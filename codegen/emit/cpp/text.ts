/**
 * C++ spelling shared by the native back ends (`cpp`, `napi`): identifiers, literals, doc
 * comments and the handlebars renderer. Every C++ spelling of an IDL name is decided here.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Handlebars from 'handlebars';
import type { IntInfo, Model } from '../../model';

/** Generated lines stay within this many columns where they can. */
export const WIDTH = 100;

const words = (name: string): string[] => name.split('_').filter((w) => w.length > 0);

/** `epoll_op` -> `EpollOp`, `ssf_v1_wire_header` -> `SsfV1WireHeader`. */
export function pascal(name: string): string {
  return words(name)
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join('');
}

/** `load_remote_conn_info` -> `loadRemoteConnInfo` (the JavaScript spelling). */
export function camel(name: string): string {
  const p = pascal(name);
  return p.length === 0 ? p : p[0].toLowerCase() + p.slice(1);
}

/** `MemoryRegion` -> `memory_region` (file names and C++ functions). */
export function snake(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1_$2')
    .toLowerCase();
}

const KEYWORDS = new Set(
  (
    'alignas alignof and and_eq asm auto bitand bitor bool break case catch char char16_t char32_t class compl ' +
    'const constexpr const_cast continue decltype default delete do double dynamic_cast else enum explicit ' +
    'export extern false float for friend goto if inline int long mutable namespace new noexcept not not_eq ' +
    'nullptr operator or or_eq private protected public register reinterpret_cast return short signed sizeof ' +
    'static static_assert static_cast struct switch template this thread_local throw true try typedef typeid ' +
    'typename union unsigned using virtual void volatile wchar_t while xor xor_eq'
  ).split(' '),
);

/** A C++ identifier for an IDL name: the name itself, with `_` appended to a keyword. */
export function ident(name: string): string {
  return KEYWORDS.has(name) ? `${name}_` : name;
}

/**
 * The C++ name of an IDL value, constant or errno: `k` + the IDL name (`kENOSYS`, `kADD`,
 * `kO_NONBLOCK`). The prefix keeps them clear of the C library's macros (`ENOSYS`,
 * `O_NONBLOCK`, `DEBUG`), which would otherwise replace them.
 */
export function kName(name: string): string {
  return `k${name}`;
}

/**
 * The C++ literal for `value` of type `int`: `INT64_C`/`UINT64_C` for 64-bit types,
 * `INT32_C`/`UINT32_C` for 32-bit ones, plain numbers (which convert exactly) for narrower
 * types. Values of 2^24 and more (or all, with `hex`) are written in hex.
 */
export function cppLiteral(value: bigint, int: IntInfo, hex = false): string {
  const magnitude = value < 0n ? -value : value;
  const digits = hex || magnitude >= 1n << 24n ? `0x${magnitude.toString(16)}` : magnitude.toString();
  if (int.bytes < 4) return value < 0n ? `(-${digits})` : digits;
  const macro = `${int.signed ? 'INT' : 'UINT'}${int.bytes * 8}_C`;
  if (value >= 0n) return `${macro}(${digits})`;
  // The most negative value is not a literal: it is the negation of a too-large one.
  if (value === int.min) return `(-${macro}(${(magnitude - 1n).toString()}) - 1)`;
  return `(-${macro}(${digits}))`;
}

/** A C++ string literal (quotes, backslashes and control characters escaped; UTF-8 kept). */
export function cppString(text: string): string {
  return `"${text.replace(/[\\"]/g, (c) => `\\${c}`).replace(/[\x00-\x1f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}" "`)}"`;
}

/** Keep text from closing or nesting a comment. */
function commentSafe(text: string): string {
  return text.replace(/\*\//g, '*\\/').replace(/\/\*/g, '/\\*');
}

function wrap(text: string, room: number): string[] {
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

/**
 * A `/** ... *\/` comment at `indent` columns from paragraphs (`''` is a blank line). One
 * short paragraph stays on one line; anything else becomes a wrapped block.
 */
export function docComment(paragraphs: string[], indent = 0): string {
  const pad = ' '.repeat(indent);
  const text = paragraphs.map(commentSafe);
  if (text.length === 1 && indent + text[0].length + 7 <= WIDTH) return `${pad}/** ${text[0]} */`;
  const lines = text.flatMap((p) => (p === '' ? [''] : wrap(p, WIDTH - indent - 3)));
  return [`${pad}/**`, ...lines.map((l) => (l ? `${pad} * ${l}` : `${pad} *`)), `${pad} */`].join('\n');
}

/**
 * `head(a, b, ...)tail` on one line when it fits the width at `indent` columns, else one item
 * per line after the first, aligned after the parenthesis.
 */
export function wrapList(head: string, items: string[], indent = 0, tail = ''): string {
  const flat = `${head}(${items.join(', ')})${tail}`;
  if (indent + flat.length <= WIDTH) return flat;
  const hang = ' '.repeat(indent + head.length + 1);
  return `${head}(${items.join(`,\n${hang}`)})${tail}`;
}

/** The first line of every generated file. */
export function headerLine(model: Model, backend: string): string {
  const files = model.files.map((f) => `idl/${f}`).join(', ');
  return `// Generated by hostwire from the IDL (${files}) by codegen/emit/${backend}; do not edit.`;
}

/** A renderer for the handlebars templates in `dir` (C++: no HTML escaping, strict lookups). */
export function templateRenderer(dir: string): (name: string, view: object) => string {
  const hbs = Handlebars.create();
  hbs.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  const cache = new Map<string, HandlebarsTemplateDelegate>();
  return (name, view) => {
    let template = cache.get(name);
    if (!template) {
      template = hbs.compile(fs.readFileSync(path.join(dir, `${name}.hbs`), 'utf8'), { noEscape: true, strict: true });
      cache.set(name, template);
    }
    // One trailing newline, no trailing spaces, at most one blank line in a row.
    return `${template(view).replace(/[ \t]+$/gm, '').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
  };
}
