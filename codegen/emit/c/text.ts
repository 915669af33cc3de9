/** C spelling: literals, doc comments and declarations that fit the line width. */
import type { IntInfo } from '../../model';
import { wrap } from '../shared/text';

/** Generated lines stay within this many columns where they can. */
export const WIDTH = 100;

/**
 * The C literal for `value` of type `int`: unsigned types get a `u` suffix, 64-bit types the
 * `INT64_C`/`UINT64_C` macros. Values of 2^24 and more are written in hex (magics read
 * better that way; sizes and counts stay decimal).
 */
export function cLiteral(value: bigint, int: IntInfo): string {
  const magnitude = value < 0n ? -value : value;
  const digits = magnitude >= 1n << 24n ? `0x${magnitude.toString(16)}` : magnitude.toString();
  if (int.bytes === 8) return `${int.signed ? 'INT64_C' : 'UINT64_C'}(${value < 0n ? '-' : ''}${digits})`;
  if (!int.signed) return `${digits}u`;
  if (value >= 0n) return digits;
  // -2147483648 is not a literal in C: it is the negation of a too-large one.
  return value === int.min && int.bytes === 4 ? `(-${magnitude - 1n} - 1)` : `(-${digits})`;
}

/** Keep text from closing or nesting a comment. */
function commentSafe(text: string): string {
  return text.replace(/\*\//g, '*\\/').replace(/\/\*/g, '/\\*');
}


/**
 * One entry of a doc comment: a paragraph, a blank line (`''`), or a tagged line such as
 * `@param fd` whose continuation lines hang under the text.
 */
export type DocEntry = string | { tag: string; text: string };

/**
 * A `/** ... *\/` comment (or a plain `/* ... *\/` one, with `open`) at `indent` columns. A
 * single short paragraph stays on one line; anything else becomes a block of ` * ` lines
 * wrapped to the width.
 */
export function docComment(entries: DocEntry[], indent = 0, open = '/**'): string {
  const pad = ' '.repeat(indent);
  const room = WIDTH - indent - 3;
  const first = entries[0];
  if (entries.length === 1 && typeof first === 'string' && indent + open.length + first.length + 4 <= WIDTH) {
    return `${pad}${open} ${commentSafe(first)} */`;
  }
  // Tags in a run of tagged lines share one column.
  const tagWidth = Math.max(0, ...entries.map((e) => (typeof e === 'string' ? 0 : e.tag.length + 1)));
  const lines = entries.flatMap((e) => {
    if (typeof e === 'string') return e === '' ? [''] : wrap(commentSafe(e), room);
    const hang = ' '.repeat(tagWidth);
    return wrap(commentSafe(e.text), room - tagWidth).map((l, i) =>
      i === 0 ? `${e.tag.padEnd(tagWidth)}${l}` : `${hang}${l}`,
    );
  });
  return [`${pad}${open}`, ...lines.map((l) => (l ? `${pad} * ${l}` : `${pad} *`)), `${pad} */`].join('\n');
}

/**
 * `head(a, b, ...)` on one line when it fits the width (leaving room for a `;` or ` {` after
 * it), else one item per line aligned after the parenthesis. `column` is where `head` starts.
 */
export function cList(head: string, items: string[], column = 0): string {
  const flat = `${head}(${items.join(', ')})`;
  if (column + flat.length + 2 <= WIDTH) return flat;
  const hang = ' '.repeat(column + head.length + 1);
  return `${head}(${items.join(`,\n${hang}`)})`;
}

/** A C string literal for `text` (ASCII; quotes and backslashes escaped). */
export function cString(text: string): string {
  return `"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}
