/** `constants.ts`: ABI metadata, the protocols' versions, constants, enums and flag sets. */
import type { EnumDef, FlagsDef, GeneratedFile, Model } from '../../model';
import { assertDistinct, doc, hexLit, intLit, intTsType, pascal, str } from './naming';
import { createFile, finish, VariableDeclarationKind, type Project } from './project';

/** The exported name of an enum's or flag set's `const` object (and its type). */
export const enumName = (def: EnumDef | FlagsDef): string => pascal(def.name);
/** The exported type guard of an enum (`isEpollOp`). */
export const enumGuard = (def: EnumDef): string => `is${pascal(def.name)}`;

export function emitConstantsFile(project: Project, model: Model): GeneratedFile {
  const sf = createFile(project, 'constants.ts', 'ABI metadata, constants, enums and flag sets.');
  assertDistinct('constants.ts', [
    'ABI',
    'PROTOCOLS',
    ...model.constants.map((c) => c.name),
    ...model.enums.flatMap((e) => [enumName(e), enumGuard(e)]),
    ...model.flags.map(enumName),
  ]);

  const { abi } = model;
  sf.addVariableStatement({
    isExported: true,
    declarationKind: VariableDeclarationKind.Const,
    docs: [`The ABI these bindings were generated for. ${doc(abi.doc)}`],
    declarations: [
      {
        name: 'ABI',
        initializer: (w) => {
          w.write('{').newLine();
          w.writeLine('/** The ABI name. */').writeLine(`name: ${str(abi.name)},`);
          w.writeLine('/** The version, `major.minor.patch`. */').writeLine(`version: ${str(abi.version.text)},`);
          w.writeLine('/** Incremented by incompatible changes. */').writeLine(`major: ${abi.version.major},`);
          w.writeLine('/** Incremented by compatible additions. */').writeLine(`minor: ${abi.version.minor},`);
          w.writeLine('/** Incremented by fixes. */').writeLine(`patch: ${abi.version.patch},`);
          w.writeLine('/** The wasm import module of the hostcalls. */').writeLine(`module: ${str(abi.module)},`);
          w.write('} as const');
        },
      },
    ],
  });

  sf.addVariableStatement({
    isExported: true,
    declarationKind: VariableDeclarationKind.Const,
    docs: [
      'The wire protocols between hostwire processes, by name, each versioned on its own (not by `ABI.version`): ' +
        'a breaking change to a protocol raises its major version, not the ABI\'s.',
    ],
    declarations: [
      {
        name: 'PROTOCOLS',
        initializer: (w) => {
          w.write('{').newLine();
          for (const p of model.protocols) {
            w.writeLine(`/** ${doc(p.doc)} */`).writeLine(`${p.name}: {`);
            w.indent(() => {
              w.writeLine('/** The protocol name. */').writeLine(`name: ${str(p.name)},`);
              w.writeLine('/** The version, `major.minor.patch`. */').writeLine(`version: ${str(p.version.text)},`);
              w.writeLine('/** Incremented by incompatible changes. */').writeLine(`major: ${p.version.major},`);
              w.writeLine('/** Incremented by compatible additions. */').writeLine(`minor: ${p.version.minor},`);
              w.writeLine('/** Incremented by fixes. */').writeLine(`patch: ${p.version.patch},`);
            });
            w.writeLine('},');
          }
          w.write('} as const');
        },
      },
    ],
  });

  for (const c of model.constants) {
    sf.addVariableStatement({
      isExported: true,
      declarationKind: VariableDeclarationKind.Const,
      docs: [`${doc(c.doc)} (\`${c.type.name}\`)`],
      declarations: [{ name: c.name, initializer: intLit(c.value, c.type) }],
    });
  }

  for (const e of model.enums) {
    const name = enumName(e);
    sf.addVariableStatement({
      isExported: true,
      declarationKind: VariableDeclarationKind.Const,
      docs: [`${doc(e.doc)} (enum \`${e.name}\`, \`${e.type.name}\`)`],
      declarations: [
        {
          name,
          initializer: (w) => {
            w.write('{').newLine();
            for (const v of e.values) w.writeLine(`/** ${doc(v.doc)} */`).writeLine(`${v.name}: ${intLit(v.value, e.type)},`);
            w.write('} as const');
          },
        },
      ],
    });
    sf.addTypeAlias({ isExported: true, name, type: `(typeof ${name})[keyof typeof ${name}]`, docs: [`A value of enum \`${e.name}\`.`] });
    sf.addFunction({
      isExported: true,
      name: enumGuard(e),
      docs: [
        {
          description: `Whether \`value\` is a value of enum \`${e.name}\` (an exact ${intTsType(e.type)}).`,
          tags: [{ tagName: 'param', text: 'value Anything, e.g. an enum argument of a hostcall.' }],
        },
      ],
      parameters: [{ name: 'value', type: 'unknown' }],
      returnType: `value is ${name}`,
      statements: [`return ${e.values.length ? e.values.map((v) => `value === ${intLit(v.value, e.type)}`).join(' || ') : 'false'};`],
    });
  }

  for (const f of model.flags) {
    const name = enumName(f);
    sf.addVariableStatement({
      isExported: true,
      declarationKind: VariableDeclarationKind.Const,
      docs: [`${doc(f.doc)} (flags \`${f.name}\`, \`${f.type.name}\`; every bit: \`${hexLit(f.allMask, f.type)}\`)`],
      declarations: [
        {
          name,
          initializer: (w) => {
            w.write('{').newLine();
            for (const b of f.bits) w.writeLine(`/** ${doc(b.doc)} (bit ${b.bit}) */`).writeLine(`${b.name}: ${hexLit(b.mask, f.type)},`);
            w.write('} as const');
          },
        },
      ],
    });
    sf.addTypeAlias({
      isExported: true,
      name,
      type: `(typeof ${name})[keyof typeof ${name}]`,
      docs: [`One bit of \`${f.name}\`; a mask of several bits is a \`${intTsType(f.type)}\`.`],
    });
  }

  return finish(sf);
}
