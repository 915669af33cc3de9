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
 * Nothing else is changed: the spacing within a line is the emitters' own. A test
 * (`test/codegen/ts-layout.test.ts`) runs the TypeScript formatter over the generated files
 * and expects no change.
 */

const UNIT = 2;

/** An open bracket, template literal or template substitution. */
interface Frame {
  kind: 'bracket' | 'template' | 'substitution';
  /** The closing character of a bracket (`''` for the others). */
  closer: string;
  /** The indentation (columns) of the line that opened it. */
  indent: number;
  /** A `switch` body: its `case` labels indent the statements after them. */
  isSwitch: boolean;
  /** In a `switch` body, after a label. */
  inCase: boolean;
}

const frame = (kind: Frame['kind'], indent: number, closer = '', isSwitch = false): Frame => ({ kind, closer, indent, isSwitch, inCase: false });

const CLOSERS: Record<string, string> = { '{': '}', '[': ']', '(': ')' };
/** After one of these (or at the start of a line), `/` starts a regular expression, not a division. */
const BEFORE_REGEX = new Set('(,=:[!&|?{};+-*%<>~^'.split(''));
const LABEL = /^(case\b.*|default\s*):$/;
/** The characters that matter in code, and in a template literal. */
const IN_CODE = /[{}[\]()'"`/]/g;
const IN_TEMPLATE = /[`\\$]/g;

const leadingSpaces = (line: string): number => line.length - line.trimStart().length;

const indents: string[] = [];
const spaces = (n: number): string => (indents[n] ??= ' '.repeat(n));

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
        const label = top.isSwitch && LABEL.test(body.trimEnd());
        if (label) top.inCase = true;
        indent = top.indent + UNIT + (top.inCase && !label ? UNIT : 0);
      }
    }
    const startsComment = commentShift === null;
    const inComment = scanLine(body, indent, stack, !startsComment);
    // Trailing whitespace goes, but not from a line that ends inside a template literal.
    if (stack.length === 0 || stack[stack.length - 1].kind !== 'template') body = body.trimEnd();
    out.push(verbatim || body === '' ? body : spaces(indent) + body);
    if (!inComment) commentShift = null;
    else if (startsComment) commentShift = indent - leadingSpaces(line);
  }
  return out;
}

/**
 * Updates `stack` with the brackets, strings and comments of one line (jumping from one
 * character that matters to the next); says whether the line ends inside a block comment.
 */
function scanLine(line: string, indent: number, stack: Frame[], inComment: boolean): boolean {
  let i = 0;
  const n = line.length;
  while (i < n) {
    if (inComment) {
      const end = line.indexOf('*/', i);
      if (end < 0) return true;
      inComment = false;
      i = end + 2;
      continue;
    }
    if (stack.length > 0 && stack[stack.length - 1].kind === 'template') {
      IN_TEMPLATE.lastIndex = i;
      if (IN_TEMPLATE.exec(line) === null) return false;
      i = IN_TEMPLATE.lastIndex - 1;
      const c = line[i];
      if (c === '\\') i += 2;
      else if (c === '`') {
        stack.pop();
        i++;
      } else if (line[i + 1] === '{') {
        stack.push(frame('substitution', indent));
        i += 2;
      } else i++;
      continue;
    }
    IN_CODE.lastIndex = i;
    if (IN_CODE.exec(line) === null) return false;
    i = IN_CODE.lastIndex - 1;
    const c = line[i];
    switch (c) {
      case '"':
      case "'":
        i = skipQuoted(line, i, c);
        continue;
      case '`':
        stack.push(frame('template', indent));
        i++;
        continue;
      case '/': {
        const next = line[i + 1];
        if (next === '/') return false;
        if (next === '*') {
          inComment = true;
          i += 2;
          continue;
        }
        const before = previousSignificant(line, i);
        i = before === '' || BEFORE_REGEX.has(before) ? skipRegex(line, i) : i + 1;
        continue;
      }
      case '{':
      case '[':
      case '(': {
        const isSwitch = c === '{' && line.includes('switch') && /\bswitch\s*\(/.test(line.slice(0, i));
        stack.push(frame('bracket', indent, CLOSERS[c], isSwitch));
        break;
      }
      default: // a closing bracket
        stack.pop();
    }
    i++;
  }
  return inComment;
}

/** The last character before `i` that is not a space (`''` at the start of the line). */
function previousSignificant(line: string, i: number): string {
  for (let j = i - 1; j >= 0; j--) if (line[j] !== ' ' && line[j] !== '\t') return line[j];
  return '';
}

/** The index after the string literal that starts at `i`. */
function skipQuoted(line: string, i: number, quote: string): number {
  for (let j = i + 1; j < line.length; j++) {
    const c = line[j];
    if (c === '\\') j++;
    else if (c === quote) return j + 1;
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
