/** `errno.ts`: the errno table, its names and docs, and `HostwireError`. */
import type { GeneratedFile, Model } from '../../model';
import { doc, str } from './naming';
import { createFile, finish, VariableDeclarationKind, type Project } from './project';

export function emitErrnoFile(project: Project, model: Model): GeneratedFile {
  const sf = createFile(project, 'errno.ts', 'Errno codes of the ABI and the error class that carries them.');

  sf.addVariableStatement({
    isExported: true,
    declarationKind: VariableDeclarationKind.Const,
    docs: ['Linux errno numbers, by name. A hostcall returns `-errno` on failure.'],
    declarations: [
      {
        name: 'Errno',
        initializer: (w) => {
          w.write('{').newLine();
          for (const e of model.errnos) w.writeLine(`/** ${doc(e.doc)} */`).writeLine(`${e.name}: ${e.value},`);
          w.write('} as const');
        },
      },
    ],
  });
  sf.addTypeAlias({ isExported: true, name: 'ErrnoName', type: 'keyof typeof Errno', docs: ["The name of an errno code (`'EBADF'`)."] });
  sf.addTypeAlias({ isExported: true, name: 'ErrnoValue', type: '(typeof Errno)[ErrnoName]', docs: ['An errno number of the table (positive).'] });

  sf.addFunction({
    isExported: true,
    name: 'errnoName',
    docs: [
      {
        description: 'The name of an errno number, given positive or negative (as a hostcall returns it).',
        tags: [
          { tagName: 'param', text: 'n The errno (`9` or `-9`).' },
          { tagName: 'returns', text: "The name (`'EBADF'`), or `undefined` for a number outside the table." },
        ],
      },
    ],
    parameters: [{ name: 'n', type: 'number' }],
    returnType: 'ErrnoName | undefined',
    statements: (w) => {
      w.write('switch (n < 0 ? -n : n)').block(() => {
        for (const e of model.errnos) w.writeLine(`case ${e.value}:`).indent(() => w.writeLine(`return ${str(e.name)};`));
        w.writeLine('default:').indent(() => w.writeLine('return undefined;'));
      });
    },
  });

  sf.addVariableStatement({
    isExported: true,
    declarationKind: VariableDeclarationKind.Const,
    docs: ['What each errno means in this ABI, in one line.'],
    declarations: [
      {
        name: 'errnoDoc',
        type: '{ readonly [K in ErrnoName]: string }',
        initializer: (w) => {
          w.write('{').newLine();
          for (const e of model.errnos) w.writeLine(`${e.name}: ${str(e.doc)},`);
          w.write('}');
        },
      },
    ],
  });

  sf.addClass({
    isExported: true,
    name: 'HostwireError',
    extends: 'Error',
    docs: ["An error carrying an errno, like Node's system errors: `code` (`'EBADF'`) and `errno` (`-9`)."],
    properties: [
      { isReadonly: true, name: 'code', type: "ErrnoName | 'UNKNOWN'", docs: ["The errno's name, or `'UNKNOWN'` for a number outside the table."] },
      { isReadonly: true, name: 'errno', type: 'number', docs: ['The errno, negative (`-9`), as a hostcall returns it.'] },
    ],
    ctors: [
      {
        docs: [
          {
            description: 'An error for `errno`; the message starts with its code.',
            tags: [
              { tagName: 'param', text: 'errno The errno, positive or negative (`9` and `-9` are both EBADF).' },
              { tagName: 'param', text: "message What failed; the errno's meaning when absent." },
            ],
          },
        ],
        parameters: [
          { name: 'errno', type: 'number' },
          { name: 'message', type: 'string', hasQuestionToken: true },
        ],
        statements: [
          'const magnitude = Math.abs(errno);',
          "const code = errnoName(magnitude) ?? 'UNKNOWN';",
          "super(`${code}: ${message ?? (code === 'UNKNOWN' ? `unknown errno ${magnitude}` : errnoDoc[code])}`);",
          "this.name = 'HostwireError';",
          'this.code = code;',
          'this.errno = magnitude === 0 ? 0 : -magnitude;',
        ],
      },
    ],
  });

  sf.addFunction({
    isExported: true,
    name: 'isHostwireError',
    docs: [
      {
        description:
          'Whether `e` is a `HostwireError`, or any `Error` whose `code` and negative `errno` name the same\n' +
          'errno of the table (as the native addon throws them).',
        tags: [{ tagName: 'param', text: 'e Anything caught.' }],
      },
    ],
    parameters: [{ name: 'e', type: 'unknown' }],
    returnType: 'e is HostwireError',
    statements: [
      'if (e instanceof HostwireError) return true;',
      'if (!(e instanceof Error)) return false;',
      'const { code, errno } = e as Error & { code?: unknown; errno?: unknown };',
      "return typeof code === 'string' && typeof errno === 'number' && errno < 0 && errnoName(errno) === code;",
    ],
  });

  return finish(sf);
}
