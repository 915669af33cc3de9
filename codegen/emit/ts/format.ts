/**
 * The layout of generated TypeScript: every line's indentation, as the TypeScript formatter
 * gives it (two spaces a level) for the code the emitters write. The emitters write statements
 * without indentation; this pass indents them from the brackets alone, in one linear scan:
 *
 *  - a line is indented one level deeper than the line that opened the innermost bracket
 *    (`{`, `[`, `(`) still open at its start; a line that starts by closing that bracket takes
 *    the opener line's indentation;
 *  - in a `switch` body, the statements after a `case ...:` or `default:` label are one level
 *    deeper than the label;
 *  - the continuation lines of a block comment keep their place relative to its first line;
 *  - lines that start inside a template literal are left as they are;
 *  - trailing whitespace is removed.
 *
 * Nothing else is changed: the spacing within a line is the emitters' own. The conformance
 * tests run the TypeScript formatter over every generated file and expect no change.
 */

const UNIT = 2;

/** An open bracket, template literal or template substitution. */
interface Frame {
  kind: 'bracket' | 'template' | 'substitution';
  /** The closing character of a bracket. */
  closer?: string;
  /** The indentation (columns) of the line that opened it. */
  indent: number;
  /** A `switch` body: its `case` labels indent the statements after them. */
  isSwitch?: boolean;
  /** In a `switch` body, after a label. */
  inCase?: boolean;
}

const CLOSERS: Record<string, string> = { '{': '}', '[': ']', '(': ')' };
/** After one of these (or at the start of a line), `/` starts a regular expression, not a division. */
const BEFORE_REGEX = new Set('(,=:[!&|?{};+-*%<>~^'.split(''));
const LABEL = /^(case\b.*|default\s*):$/;

const leadingSpaces = (line: string): number => line.length - line.trimStart().length;

/** `text` with every line indented as described above. */
export function indentTs(text: string): string {
  return indentLines(text).join('\n');
}

/** The lines of `text`, each indented as described above. */
export function indentLines(text: string): string[] {
  const out: string[] = [];
  const stack: Frame[] = [];
  /** Inside a block comment: how far its lines move (new column minus old column of its first line). */
  let commentShift: number | null = null;

  for (const line of text.split('\n')) {
    const top = stack[stack.length - 1];
    let indent: number;
    let body: string;
    const verbatim = top?.kind === 'template';
    if (verbatim) {
      // Inside a template literal: the text is the string's own.
      indent = leadingSpaces(line);
      body = line;
    } else if (commentShift !== null) {
      body = line.trimStart();
      indent = body === '' ? 0 : Math.max(0, leadingSpaces(line) + commentShift);
    } else {
      body = line.trimStart();
      if (body === '') {
        out.push('');
        continue;
      }
      if (top === undefined) indent = 0;
      else if (top.kind === 'bracket' && body[0] === top.closer) indent = top.indent;
      else {
        const label = top.isSwitch === true && LABEL.test(body.trimEnd());
        if (label) top.inCase = true;
        indent = top.indent + UNIT + (top.inCase && !label ? UNIT : 0);
      }
    }
    const startsComment = commentShift === null;
    const { inComment } = scanLine(body, indent, stack, !startsComment);
    // Trailing whitespace goes, but not from a line that ends inside a template literal.
    if (stack.length === 0 || stack[stack.length - 1].kind !== 'template') body = body.trimEnd();
    out.push(verbatim || body === '' ? body : ' '.repeat(indent) + body);
    if (!inComment) commentShift = null;
    else if (startsComment) commentShift = indent - leadingSpaces(line);
  }
  return out;
}

/**
 * Updates `stack` with the brackets, strings and comments of one line; says whether the line
 * ends inside a block comment.
 */
function scanLine(line: string, indent: number, stack: Frame[], inComment: boolean): { inComment: boolean } {
  let prev = ''; // the last significant character of code, for telling a regex from a division
  let i = 0;
  const n = line.length;
  while (i < n) {
    if (inComment) {
      const end = line.indexOf('*/', i);
      if (end < 0) return { inComment: true };
      inComment = false;
      i = end + 2;
      continue;
    }
    const c = line[i];
    if (stack.length > 0 && stack[stack.length - 1].kind === 'template') {
      if (c === '\\') i += 2;
      else if (c === '`') {
        stack.pop();
        prev = '`';
        i++;
      } else if (c === '$' && line[i + 1] === '{') {
        stack.push({ kind: 'substitution', indent });
        prev = '{';
        i += 2;
      } else i++;
      continue;
    }
    switch (c) {
      case ' ':
      case '\t':
        i++;
        continue;
      case '"':
      case "'":
        i = skipQuoted(line, i, c);
        prev = c;
        continue;
      case '`':
        stack.push({ kind: 'template', indent });
        i++;
        continue;
      case '/':
        if (line[i + 1] === '/') return { inComment: false };
        if (line[i + 1] === '*') {
          inComment = true;
          i += 2;
          continue;
        }
        if (prev === '' || BEFORE_REGEX.has(prev)) {
          i = skipRegex(line, i);
          prev = '/';
          continue;
        }
        break;
      case '{':
      case '[':
      case '(': {
        const isSwitch = c === '{' && line.includes('switch') && /\bswitch\s*\(/.test(line.slice(0, i));
        stack.push({ kind: 'bracket', closer: CLOSERS[c], indent, isSwitch });
        break;
      }
      case '}':
      case ']':
      case ')':
        stack.pop();
        break;
    }
    prev = c;
    i++;
  }
  return { inComment };
}

/** The index after the string literal that starts at `i`. */
function skipQuoted(line: string, i: number, quote: string): number {
  for (let j = i + 1; j < line.length; j++) {
    if (line[j] === '\\') j++;
    else if (line[j] === quote) return j + 1;
  }
  return line.length;
}

/** The index after the regular expression literal (and its flags) that starts at `i`. */
function skipRegex(line: string, i: number): number {
  let inClass = false;
  for (let j = i + 1; j < line.length; j++) {
    const c = line[j];
    if (c === '\\') j++;
    else if (c === '[') inClass = true;
    else if (c === ']') inClass = false;
    else if (c === '/' && !inClass) {
      let k = j + 1;
      while (k < line.length && /[a-z]/i.test(line[k])) k++;
      return k;
    }
  }
  return line.length;
}
