/** `hostcalls.ts`: `SpearHostImpl`, the import glue, `HOSTCALLS` metadata and `enosysHost`. */
import { VariableDeclarationKind, type Project } from './project';
import type { GeneratedFile, Hostcall, Model } from '../../model';
import { assertDistinct, doc, str } from './naming';
import { createFile, finish } from './project';
import { callCode, type CallCode, type TsParam } from './glue';

const signature = (params: TsParam[], result: string): string => `(${params.map((p) => `${p.name}: ${p.type}`).join(', ')}) => ${result}`;

function errorList(h: Hostcall): string {
  return h.errors.length ? h.errors.map((e) => `-${e.name}`).join(', ') : 'none';
}

/** The JSDoc of a `SpearHostImpl` method. */
function implDocs(h: Hostcall, code: CallCode) {
  const notes: string[] = [];
  if (h.blocking) notes.push('May block the calling guest.');
  if (!h.implemented) notes.push('Declared for compatibility; not implemented yet (`-ENOSYS`).');
  let returns: string;
  const errors = `negative errno (${errorList(h)})`;
  if (code.implResult === 'Uint8Array | number') {
    returns = h.returns.of
      ? `The ${h.returns.of.name} records to write (the glue returns their count), or a ${errors}. More bytes than the capacity give -ENOSPC with the needed length written back.`
      : `The bytes to write (the glue returns their length), or a number returned as is: a ${errors}. More bytes than the capacity give -ENOSPC with the needed length written back.`;
  } else if (h.returns.kind === 'none') {
    returns = '';
  } else {
    const what = { fd: 'The new fd', status: '0', count: 'The count', value: 'The value' }[h.returns.kind];
    returns = h.errors.length ? `${what}, or a ${errors}.` : `${what}.`;
  }
  return [
    {
      description: `${doc(h.doc)}${notes.length ? `\n\n${notes.join(' ')}` : ''}`,
      tags: [
        ...code.implParams.map((p) => ({ tagName: 'param', text: `${p.name} ${p.doc}` })),
        ...(returns ? [{ tagName: 'returns', text: returns }] : []),
      ],
    },
  ];
}

const SUPPORT = `
/** What the glue needs of the guest's memory: a \`WebAssembly.Memory\` has it. */
export interface GuestMemory {
  /** The current bytes; replaced (and the old buffer detached) by \`memory.grow\`. */
  readonly buffer: ArrayBufferLike;
}

/** The u32 (little-endian) at \`at\`, which the caller has bounds-checked. */
function capacityAt(memory: ArrayBufferLike, at: number): number {
  return new DataView(memory).getUint32(at, true);
}

/**
 * The output-buffer rule, once the ranges are checked: \`bytes\` longer than \`capacity\` write
 * only their length to \`*lenAt\` and give -ENOSPC; otherwise they are copied to \`start\`, their
 * length is stored at \`*lenAt\`, and the length is returned.
 */
function storeOutput(getMemory: () => GuestMemory, start: number, lenAt: number, capacity: number, bytes: Uint8Array): number {
  const memory = getMemory().buffer; // a fresh view: the call may have grown the memory
  const length = bytes.length;
  if (length > capacity) {
    new DataView(memory).setUint32(lenAt, length, true);
    return -Errno.ENOSPC;
  }
  new Uint8Array(memory, start, length).set(bytes);
  new DataView(memory).setUint32(lenAt, length, true);
  return length;
}

/** One wasm value of a hostcall's signature. */
export interface WasmParamInfo {
  /** The name in the wasm signature and the C prototype (\`out_len_ptr\`). */
  readonly name: string;
  /** The wasm value type. */
  readonly type: 'i32' | 'i64';
  /** What the value means. */
  readonly role: 'value' | 'ptr' | 'len' | 'len_ptr';
}

/** One IDL parameter of a hostcall. */
export interface HostcallParamInfo {
  /** The IDL name (\`timeout_ms\`). */
  readonly name: string;
  /** The IDL parameter kind. */
  readonly kind: 'fd' | 'int' | 'enum' | 'flags' | 'fn_index' | 'in_bytes' | 'in_string' | 'out_bytes' | 'ctl_arg';
  /** The wasm values it lowers to. */
  readonly wasm: readonly WasmParamInfo[];
}

/** What the IDL says of a hostcall: its signature, its result and the errnos it may return. */
export interface HostcallInfo {
  /** The import name in module \`spear\`. */
  readonly name: string;
  /** The family it belongs to (\`chat\`, \`epoll\`). */
  readonly family: string;
  /** The IDL parameters, in order. */
  readonly params: readonly HostcallParamInfo[];
  /** The wasm result type; \`null\` for none. */
  readonly result: 'i32' | 'i64' | null;
  /** What a non-negative result means. */
  readonly returns: 'count' | 'fd' | 'value' | 'status' | 'none';
  /** For a count of records: the record's IDL name. */
  readonly countOf: string | null;
  /** The errnos (positive) the call may return negated; -EFAULT and -ENOSPC come from the glue. */
  readonly errors: readonly ErrnoValue[];
  /** Whether the call may block the guest. */
  readonly blocking: boolean;
  /** Whether the host implements it (\`false\`: -ENOSYS). */
  readonly implemented: boolean;
}
`;

export function emitHostcallsFile(project: Project, model: Model): GeneratedFile {
  const sf = createFile(project, 'hostcalls.ts', `The hostcalls guests import from module \`${model.abi.module}\`: the implementation interface and the import glue.`);
  const calls = model.hostcalls.map((h) => ({ h, code: callCode(h) }));
  for (const { h, code } of calls) {
    assertDistinct(`hostcalls.ts (wasm parameters of ${h.name})`, code.wasmParams.map((p) => p.name));
    assertDistinct(`hostcalls.ts (parameters of SpearHostImpl.${h.name})`, code.implParams.map((p) => p.name));
  }
  assertDistinct('hostcalls.ts', model.hostcalls.map((h) => h.name));

  sf.addImportDeclaration({ moduleSpecifier: './errno', namedImports: [{ name: 'Errno' }, { name: 'ErrnoValue', isTypeOnly: true }] });

  sf.addInterface({
    isExported: true,
    name: 'SpearHostImpl',
    docs: [
      'A host implementation of every hostcall, one method per import name. The glue of\n' +
        '`createSpearImports` converts the wasm values, bounds-checks guest memory and applies the\n' +
        'output-buffer rule, so an implementation never touches guest memory.',
    ],
    methods: calls.map(({ h, code }) => ({
      name: h.name,
      docs: implDocs(h, code),
      parameters: code.implParams.map((p) => ({ name: p.name, type: p.type })),
      returnType: code.implResult,
    })),
  });

  sf.addTypeAlias({
    isExported: true,
    name: 'SpearImports',
    docs: [`The \`${model.abi.module}\` import object: one function per hostcall with its wasm signature.`],
    type: (w) => {
      w.write('{').newLine();
      for (const { h, code } of calls) {
        w.writeLine(`/** ${doc(h.doc)} */`);
        w.writeLine(`readonly ${h.name}: ${signature(code.wasmParams, code.wasmResult)};`);
      }
      w.write('}');
    },
  });

  sf.addStatements(SUPPORT.trim());

  sf.addFunction({
    isExported: true,
    name: 'createSpearImports',
    docs: [
      {
        description:
          `The \`${model.abi.module}\` import object over \`impl\`. Every call takes a fresh view of the memory\n` +
          '(`memory.grow` detaches the old one), reads pointers and lengths as unsigned, and returns\n' +
          '-EFAULT, writing nothing and not calling `impl`, when a range lies outside the memory.',
        tags: [
          { tagName: 'param', text: 'getMemory Returns the guest memory (its export, once instantiated).' },
          { tagName: 'param', text: 'impl The host implementation.' },
        ],
      },
    ],
    parameters: [
      { name: 'getMemory', type: '() => GuestMemory' },
      { name: 'impl', type: 'SpearHostImpl' },
    ],
    returnType: 'SpearImports',
    statements: (w) => {
      w.write('return {').newLine();
      for (const { h, code } of calls) {
        const head = `${h.name}: (${code.wasmParams.map((p) => `${p.name}: ${p.type}`).join(', ')}): ${code.wasmResult} =>`;
        const only = code.body.length === 1 ? /^return (.*);$/.exec(code.body[0]) : null;
        if (only) {
          w.writeLine(`${head} ${only[1]},`);
        } else {
          w.writeLine(`${head} {`);
          for (const line of code.body) w.writeLine(line);
          w.writeLine('},');
        }
      }
      w.write('};');
    },
  });

  sf.addTypeAlias({ isExported: true, name: 'HostcallName', type: 'keyof SpearHostImpl', docs: ['The import name of a hostcall.'] });

  sf.addVariableStatement({
    isExported: true,
    declarationKind: VariableDeclarationKind.Const,
    docs: ['Every hostcall as the IDL declares it, by import name: for tests and fuzzers.'],
    declarations: [
      {
        name: 'HOSTCALLS',
        type: '{ readonly [K in HostcallName]: HostcallInfo }',
        initializer: (w) => {
          w.write('{').newLine();
          for (const h of model.hostcalls) {
            w.writeLine(`${h.name}: {`);
            w.writeLine(`name: ${str(h.name)},`);
            w.writeLine(`family: ${str(h.family)},`);
            if (h.params.length === 0) w.writeLine('params: [],');
            else {
              w.writeLine('params: [');
              for (const p of h.params) {
                const wasm = p.lowered.map((v) => `{ name: ${str(v.name)}, type: ${str(v.wasm)}, role: ${str(v.role)} }`).join(', ');
                w.writeLine(`{ name: ${str(p.name)}, kind: ${str(p.kind)}, wasm: [${wasm}] },`);
              }
              w.writeLine('],');
            }
            w.writeLine(`result: ${h.wasmResult === null ? 'null' : str(h.wasmResult)},`);
            w.writeLine(`returns: ${str(h.returns.kind)},`);
            w.writeLine(`countOf: ${h.returns.of ? str(h.returns.of.name) : 'null'},`);
            w.writeLine(`errors: [${h.errors.map((e) => `Errno.${e.name}`).join(', ')}],`);
            w.writeLine(`blocking: ${h.blocking},`);
            w.writeLine(`implemented: ${h.implemented},`);
            w.writeLine('},');
          }
          w.write('}');
        },
      },
    ],
  });

  sf.addFunction({
    isExported: true,
    name: 'enosysHost',
    docs: ['A host that implements nothing: every call returns -ENOSYS (as a `bigint` for i64 results; nothing for calls without a result). What the runtime uses until a call is implemented.'],
    returnType: 'SpearHostImpl',
    statements: (w) => {
      w.write('return {').newLine();
      for (const { h, code } of calls) {
        const value = code.implResult === 'void' ? 'undefined' : code.implResult === 'bigint' ? 'BigInt(-Errno.ENOSYS)' : '-Errno.ENOSYS';
        w.writeLine(`${h.name}: () => ${value},`);
      }
      w.write('};');
    },
  });

  return finish(sf);
}
