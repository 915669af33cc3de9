/** The in-memory ts-morph project the TypeScript files are built in, and their fixed formatting. */
import {
  IndentationText,
  NewLineKind,
  Project,
  QuoteKind,
  StructureKind,
  type ClassDeclarationStructure,
  type ExportDeclarationStructure,
  type FunctionDeclarationStructure,
  type ImportDeclarationStructure,
  type InterfaceDeclarationStructure,
  type OptionalKind,
  type StatementStructures,
  type TypeAliasDeclarationStructure,
  type VariableStatementStructure,
  type WriterFunction,
} from 'ts-morph';
import type { GeneratedFile } from '../../model';
import { HEADER } from './naming';

export function createProject(): Project {
  return new Project({
    useInMemoryFileSystem: true,
    skipAddingFilesFromTsConfig: true,
    // Printing and formatting need no type information: do not load the lib .d.ts files.
    skipLoadingLibFiles: true,
    manipulationSettings: {
      indentationText: IndentationText.TwoSpaces,
      quoteKind: QuoteKind.Single,
      newLineKind: NewLineKind.LineFeed,
      useTrailingCommas: true,
    },
  });
}

/**
 * The statements of one file, collected as ts-morph structures (with the same `add*` names as
 * `SourceFile`) and printed in one go by `finish`: one print and one parse per file, rather
 * than a re-parse after every added declaration.
 */
export class FileBuilder {
  readonly statements: Array<StatementStructures | string | WriterFunction> = [];
  constructor(
    readonly project: Project,
    readonly path: string,
    /** The module doc, the file's second line. */
    readonly intro: string,
  ) {}
  addImportDeclaration(s: OptionalKind<ImportDeclarationStructure>): void {
    this.statements.push({ ...s, kind: StructureKind.ImportDeclaration });
  }
  addExportDeclaration(s: OptionalKind<ExportDeclarationStructure>): void {
    this.statements.push({ ...s, kind: StructureKind.ExportDeclaration });
  }
  addVariableStatement(s: OptionalKind<VariableStatementStructure>): void {
    this.statements.push({ ...s, kind: StructureKind.VariableStatement });
  }
  addTypeAlias(s: OptionalKind<TypeAliasDeclarationStructure>): void {
    this.statements.push({ ...s, kind: StructureKind.TypeAlias });
  }
  addInterface(s: OptionalKind<InterfaceDeclarationStructure>): void {
    this.statements.push({ ...s, kind: StructureKind.Interface });
  }
  addFunction(s: OptionalKind<FunctionDeclarationStructure>): void {
    this.statements.push({ ...s, kind: StructureKind.Function });
  }
  addClass(s: OptionalKind<ClassDeclarationStructure>): void {
    this.statements.push({ ...s, kind: StructureKind.Class });
  }
  /** Statements as source text. */
  addStatements(text: string | string[]): void {
    this.statements.push(...(Array.isArray(text) ? text : [text]));
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

/** Print, format with fixed settings and return the text: the same model gives the same bytes. */
export function finish(file: FileBuilder): GeneratedFile {
  const sf = file.project.createSourceFile(file.path, { statements: file.statements }, { overwrite: true });
  sf.formatText({
    indentSize: 2,
    tabSize: 2,
    convertTabsToSpaces: true,
    newLineCharacter: '\n',
    insertSpaceAfterCommaDelimiter: true,
    insertSpaceAfterSemicolonInForStatements: true,
    insertSpaceBeforeAndAfterBinaryOperators: true,
    insertSpaceAfterKeywordsInControlFlowStatements: true,
    insertSpaceAfterFunctionKeywordForAnonymousFunctions: true,
    insertSpaceAfterOpeningAndBeforeClosingNonemptyBraces: true,
    insertSpaceAfterOpeningAndBeforeClosingNonemptyParenthesis: false,
    insertSpaceAfterOpeningAndBeforeClosingNonemptyBrackets: false,
    insertSpaceAfterOpeningAndBeforeClosingTemplateStringBraces: false,
    placeOpenBraceOnNewLineForFunctions: false,
    placeOpenBraceOnNewLineForControlBlocks: false,
    trimTrailingWhitespace: true,
  });
  const body = spaceOut(sf.getFullText().trim().split('\n'));
  const text = `${HEADER}\n/** ${file.intro} */\n\n${body.join('\n')}\n`;
  return { path: file.path, content: text };
}

/** One blank line after the imports and before every top-level doc comment. */
function spaceOut(lines: string[]): string[] {
  const out: string[] = [];
  lines.forEach((line, i) => {
    const prev = out[out.length - 1];
    const afterImports = i > 0 && /^import /.test(lines[i - 1]) && !/^import /.test(line);
    if (prev !== undefined && prev !== '' && line !== '' && (line.startsWith('/**') || afterImports)) out.push('');
    out.push(line);
  });
  return out;
}
