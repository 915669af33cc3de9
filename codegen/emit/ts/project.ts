/**
 * How the TypeScript files are built: each emitter describes a file's declarations as plain
 * objects (the shapes of ts-morph's structures, with the same `add*` names), `finish` prints
 * them as text and `indentLines` (`format.ts`) lays the text out. Printing follows ts-morph's
 * structure printers (which line breaks and blank lines go where) and the layout follows the
 * TypeScript formatter, so the files read as if written by hand; neither library is loaded.
 */
import type { GeneratedFile } from '../../model';
import { indentLines } from './format';
import { HEADER } from './naming';

/** The `const`/`let` of a variable statement. */
export const VariableDeclarationKind = { Const: 'const', Let: 'let', Var: 'var' } as const;
export type VariableDeclarationKind = (typeof VariableDeclarationKind)[keyof typeof VariableDeclarationKind];

/**
 * Builds text in the manner of code-block-writer (the writer ts-morph hands to writer
 * functions), for the calls the emitters make. It does not indent: `indentLines` does, once
 * per file, so `indent` and `block` only decide where lines break.
 */
export class CodeWriter {
  /** The text (only appended to: it is read once, by `toString`). */
  private text = '';
  /** The last two characters written, and the last one that is not whitespace. */
  private tail = '';
  private lastNonWhitespace: string | undefined;
  private onFirstLineOfBlock = true;
  private newLineOnNextWrite = false;

  /** Writes `text` (which may hold line breaks). */
  write(text: string): this {
    this.pendingNewLine();
    this.append(text);
    return this;
  }
  /** Writes `text` on a line of its own. */
  writeLine(text: string): this {
    this.pendingNewLine();
    if (this.text.length > 0) this.newLineIfLastNot();
    this.append(text);
    return this.newLine();
  }
  conditionalWrite(condition: boolean, text: string): this {
    return condition ? this.write(text) : this;
  }
  conditionalWriteLine(condition: boolean, text: string): this {
    return condition ? this.writeLine(text) : this;
  }
  newLine(): this {
    this.newLineOnNextWrite = false;
    this.append('\n');
    return this;
  }
  newLineIfLastNot(): this {
    this.pendingNewLine();
    return this.isLastNewLine() ? this : this.newLine();
  }
  conditionalNewLine(condition: boolean): this {
    return condition ? this.newLine() : this;
  }
  blankLine(): this {
    return this.newLineIfLastNot().newLine();
  }
  blankLineIfLastNot(): this {
    return this.isLastBlankLine() ? this : this.blankLine();
  }
  conditionalBlankLine(condition: boolean): this {
    return condition ? this.blankLine() : this;
  }
  space(times = 1): this {
    return this.write(' '.repeat(times));
  }
  spaceIfLastNot(): this {
    this.pendingNewLine();
    return this.tail.endsWith(' ') ? this : this.write(' ');
  }
  /** A single-quoted string literal of `text`. */
  quote(text: string): this {
    return this.write(quoteString(text));
  }
  /** The lines written by `block` form a nested block (they start on a line of their own). */
  indent(block: () => void): this {
    this.blockBody(block);
    if (!this.isLastNewLine()) this.newLineOnNextWrite = true;
    return this;
  }
  /** ` {`, the lines written by `block`, and `}` on a line of its own; what follows starts a new line. */
  block(block?: () => void): this {
    this.pendingNewLine();
    if (this.text.length > 0 && !this.isLastNewLine()) this.spaceIfLastNot();
    this.inlineBlock(block);
    this.newLineOnNextWrite = true;
    return this;
  }
  /** `{`, the lines written by `block`, and `}` on a line of its own. */
  inlineBlock(block?: () => void): this {
    this.pendingNewLine();
    this.write('{');
    this.blockBody(block);
    return this.newLineIfLastNot().write('}');
  }
  isLastNewLine(): boolean {
    return this.tail.endsWith('\n');
  }
  isLastBlankLine(): boolean {
    return this.tail === '\n\n';
  }
  /** At the start of the first line of the text or of a block. */
  isAtStartOfFirstLineOfBlock(): boolean {
    return this.onFirstLineOfBlock && (this.text.length === 0 || this.isLastNewLine());
  }
  /** The last character that is not whitespace. */
  lastNonWhitespaceChar(): string | undefined {
    return this.lastNonWhitespace;
  }
  getLength(): number {
    return this.text.length;
  }
  toString(): string {
    return this.text;
  }
  private blockBody(block?: () => void): void {
    if (this.text.length > 0) this.newLineIfLastNot();
    this.onFirstLineOfBlock = true;
    block?.();
    this.onFirstLineOfBlock = false;
  }
  private pendingNewLine(): void {
    if (this.newLineOnNextWrite) this.newLine();
  }
  private append(text: string): void {
    if (text.length === 0) return;
    if (text.includes('\r')) text = text.replace(/\r\n?/g, '\n');
    if (text.includes('\n')) this.onFirstLineOfBlock = false;
    this.text += text;
    this.tail = text.length >= 2 ? text.slice(-2) : (this.tail + text).slice(-2);
    for (let i = text.length - 1; i >= 0; i--) {
      const c = text[i];
      if (c !== ' ' && c !== '\t' && c !== '\n') {
        this.lastNonWhitespace = c;
        break;
      }
    }
  }
}

export type WriterFunction = (writer: CodeWriter) => void;
type Text = string | WriterFunction;

/** `'text'`, with backslashes, quotes and line breaks escaped. */
function quoteString(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
}

// ---- the structures ---------------------------------------------------------------------

export interface JSDocTagStructure {
  tagName: string;
  text?: Text;
}
export interface JSDocStructure {
  description?: Text;
  tags?: JSDocTagStructure[];
}
export type JSDocs = Array<string | JSDocStructure>;

interface Documented {
  docs?: JSDocs;
}
interface Exportable {
  isExported?: boolean;
}
export interface ParameterDeclarationStructure {
  name: string;
  type?: Text;
  hasQuestionToken?: boolean;
  isReadonly?: boolean;
  initializer?: Text;
}
export interface ImportSpecifierStructure {
  name: string;
  alias?: string;
  isTypeOnly?: boolean;
}
export interface ImportDeclarationStructure {
  moduleSpecifier: string;
  namedImports?: Array<string | ImportSpecifierStructure>;
  isTypeOnly?: boolean;
}
export interface ExportDeclarationStructure {
  moduleSpecifier?: string;
  namedExports?: Array<string | ImportSpecifierStructure>;
  isTypeOnly?: boolean;
}
export interface VariableDeclarationStructure {
  name: string;
  type?: Text;
  initializer?: Text;
}
export interface VariableStatementStructure extends Documented, Exportable {
  declarationKind?: VariableDeclarationKind;
  declarations: VariableDeclarationStructure[];
}
export interface TypeAliasDeclarationStructure extends Documented, Exportable {
  name: string;
  type: Text;
}
export interface PropertySignatureStructure extends Documented {
  name: string;
  type?: Text;
  hasQuestionToken?: boolean;
  isReadonly?: boolean;
}
export interface MethodSignatureStructure extends Documented {
  name: string;
  parameters?: ParameterDeclarationStructure[];
  returnType?: Text;
  hasQuestionToken?: boolean;
}
export interface ConstructSignatureDeclarationStructure extends Documented {
  parameters?: ParameterDeclarationStructure[];
  returnType?: Text;
}
export interface InterfaceDeclarationStructure extends Documented, Exportable {
  name: string;
  extends?: string[];
  constructSignatures?: ConstructSignatureDeclarationStructure[];
  properties?: PropertySignatureStructure[];
  methods?: MethodSignatureStructure[];
}
export interface TypeParameterDeclarationStructure {
  name: string;
  constraint?: Text;
  default?: Text;
}
/** A function body: statements as text, or written by a writer function. */
type Statements = string[] | WriterFunction;
export interface FunctionDeclarationStructure extends Documented, Exportable {
  name: string;
  isAsync?: boolean;
  typeParameters?: Array<string | TypeParameterDeclarationStructure>;
  parameters?: ParameterDeclarationStructure[];
  returnType?: Text;
  statements?: Statements;
}
export interface PropertyDeclarationStructure extends Documented {
  name: string;
  type?: Text;
  isReadonly?: boolean;
  isStatic?: boolean;
  hasQuestionToken?: boolean;
  initializer?: Text;
}
export interface ConstructorDeclarationStructure extends Documented {
  parameters?: ParameterDeclarationStructure[];
  statements?: Statements;
}
export interface ClassDeclarationStructure extends Documented, Exportable {
  name: string;
  extends?: string;
  implements?: string[];
  properties?: PropertyDeclarationStructure[];
  ctors?: ConstructorDeclarationStructure[];
}

type Statement =
  | { kind: 'import'; s: ImportDeclarationStructure }
  | { kind: 'export'; s: ExportDeclarationStructure }
  | { kind: 'variable'; s: VariableStatementStructure }
  | { kind: 'typeAlias'; s: TypeAliasDeclarationStructure }
  | { kind: 'interface'; s: InterfaceDeclarationStructure }
  | { kind: 'function'; s: FunctionDeclarationStructure }
  | { kind: 'class'; s: ClassDeclarationStructure }
  | { kind: 'text'; s: string };

/** The TypeScript files of one run: each path is created once. */
export class Project {
  private readonly paths = new Set<string>();
  /** Claims `path` for a new file. */
  claim(path: string): void {
    if (this.paths.has(path)) throw new Error(`ts back end: two files are both ${path}`);
    this.paths.add(path);
  }
}

export function createProject(): Project {
  return new Project();
}

/** The statements of one file, in order, printed by `finish`. */
export class FileBuilder {
  readonly statements: Statement[] = [];
  constructor(
    readonly project: Project,
    readonly path: string,
    /** The module doc, the file's second line. */
    readonly intro: string,
  ) {
    project.claim(path);
  }
  addImportDeclaration(s: ImportDeclarationStructure): void {
    this.statements.push({ kind: 'import', s });
  }
  addExportDeclaration(s: ExportDeclarationStructure): void {
    this.statements.push({ kind: 'export', s });
  }
  addVariableStatement(s: VariableStatementStructure): void {
    this.statements.push({ kind: 'variable', s });
  }
  addTypeAlias(s: TypeAliasDeclarationStructure): void {
    this.statements.push({ kind: 'typeAlias', s });
  }
  addInterface(s: InterfaceDeclarationStructure): void {
    this.statements.push({ kind: 'interface', s });
  }
  addFunction(s: FunctionDeclarationStructure): void {
    this.statements.push({ kind: 'function', s });
  }
  addClass(s: ClassDeclarationStructure): void {
    this.statements.push({ kind: 'class', s });
  }
  /** Statements as source text. */
  addStatements(text: string | string[]): void {
    for (const s of Array.isArray(text) ? text : [text]) this.statements.push({ kind: 'text', s });
  }
}

/**
 * A new file; `finish` starts it with the generated-file header line and `intro` (its module
 * doc), added as text: a leading JSDoc block that belongs to no declaration would otherwise be
 * taken for the first declaration's.
 */
export function createFile(project: Project, path: string, intro: string): FileBuilder {
  return new FileBuilder(project, path, intro);
}

/** Print and lay out the file: the same model gives the same bytes. */
export function finish(file: FileBuilder): GeneratedFile {
  const w = new CodeWriter();
  printStatements(w, file.statements);
  const lines = indentLines(w.toString());
  let first = 0;
  let end = lines.length;
  while (first < end && lines[first] === '') first++;
  while (end > first && lines[end - 1] === '') end--;
  return { path: file.path, content: `${HEADER}\n/** ${file.intro} */\n\n${spaceOut(lines, first, end).join('\n')}\n` };
}

/** Lines `first` to `end` of `lines`, a blank line after the imports and before every top-level doc comment. */
function spaceOut(lines: string[], first: number, end: number): string[] {
  const out: string[] = [];
  for (let i = first; i < end; i++) {
    const line = lines[i];
    const prev = out[out.length - 1];
    const afterImports = i > first && lines[i - 1].startsWith('import ') && !line.startsWith('import ');
    if (prev !== undefined && prev !== '' && line !== '' && (line.startsWith('/**') || afterImports)) out.push('');
    out.push(line);
  }
  return out;
}

// ---- printing (after ts-morph's structure printers) ---------------------------------------

function textOf(t: Text): string {
  if (typeof t === 'string') return t;
  const w = new CodeWriter();
  t(w);
  return w.toString();
}

const blank = (s: string): boolean => !/\S/.test(s);

/** Statements one per line, with a blank line after a `}` and around functions, classes and interfaces. */
function printStatements(w: CodeWriter, statements: Statement[]): void {
  for (const st of statements) {
    if (w.lastNonWhitespaceChar() === '}') w.blankLineIfLastNot();
    else if (!w.isAtStartOfFirstLineOfBlock()) w.newLineIfLastNot();
    if ((st.kind === 'function' || st.kind === 'class' || st.kind === 'interface') && !w.isAtStartOfFirstLineOfBlock()) w.blankLineIfLastNot();
    switch (st.kind) {
      case 'import':
        printImport(w, st.s);
        break;
      case 'export':
        printExport(w, st.s);
        break;
      case 'variable':
        printVariableStatement(w, st.s);
        break;
      case 'typeAlias':
        printTypeAlias(w, st.s);
        break;
      case 'interface':
        printInterface(w, st.s);
        break;
      case 'function':
        printFunction(w, st.s);
        break;
      case 'class':
        printClass(w, st.s);
        break;
      case 'text':
        w.write(st.s);
        break;
    }
  }
}

function printBody(w: CodeWriter, statements: Statements | undefined): void {
  w.inlineBlock(() => {
    if (statements === undefined) return;
    if (typeof statements === 'function') statements(w);
    else printStatements(w, statements.map((s) => ({ kind: 'text', s })));
  });
}

function printDocs(w: CodeWriter, docs: JSDocs | undefined): void {
  for (const d of docs ?? []) {
    printDoc(w, d);
    w.newLine();
  }
}

function printDoc(w: CodeWriter, d: string | JSDocStructure): void {
  let text: string;
  if (typeof d === 'string') text = d;
  else {
    text = d.description === undefined ? '' : textOf(d.description);
    if (d.tags && d.tags.length > 0) {
      const tags = d.tags.map((t) => {
        const body = t.text === undefined ? '' : textOf(t.text);
        return `@${t.tagName}${body.length > 0 && !body.startsWith('\n') ? ' ' : ''}${body}`;
      });
      text = text.length > 0 ? `${text}\n${tags.join('\n')}` : tags.join('\n');
    }
  }
  const lines = text.split(/\r?\n/);
  if (lines.length <= 1) {
    w.write(`/** ${lines[0]}`);
  } else {
    w.write('/**').newLine();
    for (let i = lines[0].length === 0 ? 1 : 0; i < lines.length; i++) {
      w.write(lines[i].length > 0 ? ` * ${lines[i]}` : ' *').newLine();
    }
  }
  w.spaceIfLastNot().write('*/');
}

function printModifiers(w: CodeWriter, s: { isExported?: boolean; isStatic?: boolean; isAsync?: boolean; isReadonly?: boolean }): void {
  if (s.isExported) w.write('export ');
  if (s.isStatic) w.write('static ');
  if (s.isAsync) w.write('async ');
  if (s.isReadonly) w.write('readonly ');
}

/** `: type` (or ` = type` for an alias), when there is a type. */
function printType(w: CodeWriter, type: Text | undefined, separator = ':'): void {
  if (type === undefined) return;
  const t = textOf(type);
  if (!blank(t)) w.write(`${separator} ${t}`);
}

function printInitializer(w: CodeWriter, initializer: Text | undefined): void {
  if (initializer === undefined) return;
  const t = textOf(initializer);
  if (!blank(t)) w.spaceIfLastNot().write(`= ${t}`);
}

function printParameters(w: CodeWriter, params: ParameterDeclarationStructure[] | undefined): void {
  w.write('(');
  (params ?? []).forEach((p, i) => {
    if (i > 0) w.write(', ');
    printModifiers(w, p);
    w.write(p.name);
    if (p.hasQuestionToken) w.write('?');
    printType(w, p.type ?? (p.hasQuestionToken ? 'any' : undefined));
    printInitializer(w, p.initializer);
  });
  w.write(')');
}

/** `<K extends C = D, ...>`, when there are type parameters. */
function printTypeParameters(w: CodeWriter, params: Array<string | TypeParameterDeclarationStructure> | undefined): void {
  if (params === undefined || params.length === 0) return;
  const text = params.map((p) => {
    if (typeof p === 'string') return p;
    const constraint = p.constraint === undefined ? '' : textOf(p.constraint);
    const byDefault = p.default === undefined ? '' : textOf(p.default);
    return `${p.name}${blank(constraint) ? '' : ` extends ${constraint}`}${blank(byDefault) ? '' : ` = ${byDefault}`}`;
  });
  w.write(`<${text.join(', ')}>`);
}

function printSpecifiers(w: CodeWriter, specs: Array<string | ImportSpecifierStructure>): void {
  const text = specs
    .map((s) => (typeof s === 'string' ? s : `${s.isTypeOnly ? 'type ' : ''}${s.name}${s.alias ? ` as ${s.alias}` : ''}`))
    .join(', ');
  w.write(`{ ${text} }`);
}

function printImport(w: CodeWriter, s: ImportDeclarationStructure): void {
  w.write(s.isTypeOnly ? 'import type' : 'import');
  const named = s.namedImports !== undefined && s.namedImports.length > 0;
  if (named) {
    w.space();
    printSpecifiers(w, s.namedImports!);
    w.write(' from');
  }
  w.write(' ').quote(s.moduleSpecifier).write(';');
}

function printExport(w: CodeWriter, s: ExportDeclarationStructure): void {
  w.write(s.isTypeOnly ? 'export type' : 'export');
  const hasModule = s.moduleSpecifier !== undefined && s.moduleSpecifier.length > 0;
  if (s.namedExports !== undefined && s.namedExports.length > 0) {
    w.space();
    printSpecifiers(w, s.namedExports);
  } else if (!hasModule) w.write(' { }');
  else w.write(' *');
  if (hasModule) w.write(' from ').quote(s.moduleSpecifier!);
  w.write(';');
}

function printVariableStatement(w: CodeWriter, s: VariableStatementStructure): void {
  if (s.declarations.length === 0) throw new Error('ts back end: a variable statement needs a declaration');
  printDocs(w, s.docs);
  printModifiers(w, s);
  w.write(`${s.declarationKind ?? VariableDeclarationKind.Let} `);
  s.declarations.forEach((d, i) => {
    if (i > 0) w.write(', ');
    w.write(d.name);
    printType(w, d.type);
    printInitializer(w, d.initializer);
  });
  w.write(';');
}

function printTypeAlias(w: CodeWriter, s: TypeAliasDeclarationStructure): void {
  printDocs(w, s.docs);
  printModifiers(w, s);
  w.write(`type ${s.name}`);
  printType(w, s.type, ' =');
  w.write(';');
}

function printInterface(w: CodeWriter, s: InterfaceDeclarationStructure): void {
  printDocs(w, s.docs);
  printModifiers(w, s);
  w.write(`interface ${s.name} `);
  if (s.extends && s.extends.length > 0) w.write(`extends ${s.extends.join(', ')} `);
  w.inlineBlock(() => {
    const group = <T>(members: T[] | undefined, print: (m: T) => void): void => {
      if (!members || members.length === 0) return;
      if (!w.isAtStartOfFirstLineOfBlock()) w.newLine();
      members.forEach((m, i) => {
        if (i > 0) w.newLine();
        print(m);
      });
    };
    group(s.constructSignatures, (c) => {
      printDocs(w, c.docs);
      w.write('new');
      printParameters(w, c.parameters);
      printType(w, c.returnType);
      w.write(';');
    });
    group(s.properties, (p) => {
      printDocs(w, p.docs);
      printModifiers(w, p);
      w.write(p.name);
      if (p.hasQuestionToken) w.write('?');
      printType(w, p.type);
      w.write(';');
    });
    group(s.methods, (m) => {
      printDocs(w, m.docs);
      w.write(m.name);
      if (m.hasQuestionToken) w.write('?');
      printParameters(w, m.parameters);
      printType(w, m.returnType);
      w.write(';');
    });
  });
}

function printFunction(w: CodeWriter, s: FunctionDeclarationStructure): void {
  printDocs(w, s.docs);
  printModifiers(w, s);
  w.write(`function ${s.name}`);
  printTypeParameters(w, s.typeParameters);
  printParameters(w, s.parameters);
  printType(w, s.returnType);
  w.space();
  printBody(w, s.statements);
}

function printClass(w: CodeWriter, s: ClassDeclarationStructure): void {
  printDocs(w, s.docs);
  printModifiers(w, s);
  w.write(`class ${s.name} `);
  if (s.extends !== undefined && !blank(s.extends)) w.write(`extends ${s.extends} `);
  if (s.implements && s.implements.length > 0) w.write(`implements ${s.implements.join(', ')} `);
  w.inlineBlock(() => {
    (s.properties ?? []).forEach((p, i) => {
      if (i > 0) w.newLine();
      printDocs(w, p.docs);
      printModifiers(w, p);
      w.write(p.name);
      if (p.hasQuestionToken) w.write('?');
      printType(w, p.type);
      printInitializer(w, p.initializer);
      w.write(';');
    });
    for (const c of s.ctors ?? []) {
      if (!w.isAtStartOfFirstLineOfBlock()) w.blankLine();
      printDocs(w, c.docs);
      w.write('constructor');
      printParameters(w, c.parameters);
      w.space();
      printBody(w, c.statements);
    }
  });
}
