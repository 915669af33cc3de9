/**
 * Names, literals and doc text shared by the TypeScript emitters. Every TypeScript spelling
 * of an IDL name is decided here, so the files agree on it.
 */
import type { IntInfo } from '../../model';

export { pascal, camel, upperSnake } from '../shared/text';

/** Words that cannot name a local variable or parameter. */
const RESERVED = new Set(
  (
    'break case catch class const continue debugger default delete do else enum export extends false finally for ' +
    'function if import in instanceof new null return super switch this throw true try typeof var void while with ' +
    'yield let static implements interface package private protected public await arguments eval undefined'
  ).split(' '),
);

/**
 * A local identifier for `name` that is neither a reserved word nor one of `taken`
 * (the names the surrounding generated code already uses).
 */
export function local(name: string, taken: ReadonlySet<string> = new Set()): string {
  let id = name;
  while (RESERVED.has(id) || taken.has(id)) id += '_';
  return id;
}

/** A single-quoted string literal. */
export function str(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
}

/** An integer literal of the type: `bigint` (`5n`) for 64-bit types, else a `number`. */
export function intLit(v: bigint, int: IntInfo): string {
  return int.bytes === 8 ? `${v}n` : `${v}`;
}

/** An integer literal in hex (masks, magics): `0x1d`, `0xffffffe2n`. */
export function hexLit(v: bigint, int: IntInfo): string {
  const h = v < 0n ? `-0x${(-v).toString(16)}` : `0x${v.toString(16)}`;
  return int.bytes === 8 ? `${h}n` : h;
}

/** The TypeScript type of an integer of this IDL type. */
export function intTsType(int: IntInfo): 'number' | 'bigint' {
  return int.bytes === 8 ? 'bigint' : 'number';
}

/** `word` with its indefinite article: `an i32`, `a u16`, `an epoll_event`. */
export function withArticle(word: string): string {
  return `${/^[aeio]/i.test(word) ? 'an' : 'a'} ${word}`;
}

/** Doc text safe inside a JSDoc block. */
export function doc(text: string): string {
  return text.replace(/\*\//g, '*\\/').trim();
}

/** The line every generated TypeScript file starts with. */
export const HEADER =
  '// Generated from the IDL by `hostwire generate` (codegen/emit/ts). Do not edit: change idl/*.yaml and regenerate.';

/** Throws when two generated declarations of one file would share a name. */
export function assertDistinct(file: string, names: Iterable<string>): void {
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n)) throw new Error(`ts back end: two declarations of ${file} are both named '${n}'; rename one in the IDL`);
    seen.add(n);
  }
}
