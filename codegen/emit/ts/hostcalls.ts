/** `hostcalls.ts`: `SpearHostImpl`, the import glue, `HOSTCALLS` metadata and `enosysHost`. */
import { VariableDeclarationKind, type Project } from './project';
import type { GeneratedFile, Hostcall, Model } from '../../model';
import { assertDistinct, doc, str } from './naming';
import { createFile, finish } from './project';
import { callCode, wasmName, type CallCode, type TsParam } from './glue';
import { BLOCKING_CODES } from '../../resolve/plan';

/** The result of the final import: a blocking call's codes are its wrapper's business. */
const finalResult = (code: CallCode): string => (code.wasmResult === 'void | number' ? 'void' : code.wasmResult);

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

/** For several outputs, when one does not fit: its needed length at \`*lenAt\` (those that fit are left alone). */
function storeNeeded(getMemory: () => GuestMemory, lenAt: number, capacity: number, bytes: Uint8Array): void {
  if (bytes.length > capacity) new DataView(getMemory().buffer).setUint32(lenAt, bytes.length, true);
}

/** What is left of a relative \`timeout\` (ms) started at \`t0\`; <= 0 (forever, or a poll) is kept as is. */
function remaining(timeout: number, t0: number, now: number): number {
  return timeout <= 0 ? timeout : Math.max(0, Math.ceil(t0 + timeout - now));
}

/** What \`createSpearHost\` needs of the host a guest runs on. */
export interface SpearHostHooks {
  /** Run the guest callbacks (tool calls) queued for this guest, on its thread. */
  runCallbacks(): void;
  /** The instance is being stopped: throw to unwind the guest. */
  aborted(): never;
  /** A monotonic clock in milliseconds (\`performance.now\`). */
  now(): number;
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
  /** Its relative timeout (ms), which a retry shortens: the IDL parameter's name. */
  readonly timeout: string | null;
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
        w.writeLine(`readonly ${h.name}: ${signature(code.wasmParams, finalResult(code))};`);
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
          { tagName: 'param', text: 'implementation The host implementation, of every hostcall or of the ones in `K` (only the imports of those may then be called).' },
        ],
      },
    ],
    typeParameters: [{ name: 'K', constraint: 'keyof SpearHostImpl', default: 'keyof SpearHostImpl' }],
    parameters: [
      { name: 'getMemory', type: '() => GuestMemory' },
      { name: 'implementation', type: 'Pick<SpearHostImpl, K>' },
    ],
    returnType: 'Pick<SpearNativeImports, K>',
    statements: (w) => {
      w.writeLine('const impl = implementation as SpearHostImpl;');
      w.write('const imports: SpearNativeImports = {').newLine();
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
      w.writeLine('};');
      w.write('return imports;');
    },
  });

  for (const [name, value] of Object.entries(BLOCKING_CODES)) {
    sf.addVariableStatement({
      isExported: true,
      declarationKind: VariableDeclarationKind.Const,
      docs: [
        name === 'CALLBACK_PENDING'
          ? 'What a blocking call of the native instance returns while a guest callback is queued: run it, then call again (outside the errno range).'
          : 'What a blocking call of the native instance returns once the instance is being stopped: unwind the guest (outside the errno range).',
      ],
      declarations: [{ name, initializer: String(value) }],
    });
  }

  sf.addTypeAlias({
    isExported: true,
    name: 'SpearNativeImports',
    docs: [
      'The wasm imports of a native `GuestInstance` (`wasmImports()`): the signatures of `SpearImports`,\n' +
        'except that a blocking call may also return `CALLBACK_PENDING` or `ABORTED`, calls without a\n' +
        'result included. `createSpearHost` turns them into `SpearImports`.',
    ],
    type: (w) => {
      w.write('{').newLine();
      for (const { h, code } of calls) {
        w.writeLine(`readonly ${h.name}: ${signature(code.wasmParams, code.wasmResult)};`);
      }
      w.write('}');
    },
  });

  sf.addInterface({
    isExported: true,
    name: 'NativeGuestInstance',
    extends: ['SpearHostImpl'],
    docs: [
      'A native guest instance: an implementation of every hostcall, whose wasm imports check guest\n' +
        'memory and let the native core write outputs straight into it.',
    ],
    methods: [
      {
        name: 'attachMemory',
        parameters: [{ name: 'memory', type: 'GuestMemory' }],
        returnType: 'void',
        docs: ["Hand over the guest's memory (its `WebAssembly.Memory` export) to the wasm imports: before it, a call that reads or writes guest memory throws."],
      },
      {
        name: 'wasmImports',
        returnType: 'SpearNativeImports',
        docs: ['The wasm imports of the instance, one function per hostcall (wrap the blocking ones with `createSpearHost`).'],
      },
    ],
  });

  sf.addFunction({
    isExported: true,
    name: 'createSpearHost',
    docs: [
      {
        description:
          `The \`${model.abi.module}\` import object of a guest over \`native\`: each call that never blocks\n` +
          "calls native's function (through a JS function, which V8 calls a native function from faster than\n" +
          'wasm does); a blocking call that returns `CALLBACK_PENDING` runs the queued guest\n' +
          'callbacks on this thread and calls again, waiting only what is left of its timeout; one that\n' +
          'returns `ABORTED` unwinds the guest through `hooks.aborted()`.',
        tags: [
          { tagName: 'param', text: 'native The wasm imports (a native instance\'s, with any the host overrides).' },
          { tagName: 'param', text: 'hooks What the wrappers need of the host.' },
        ],
      },
    ],
    parameters: [
      { name: 'native', type: 'SpearNativeImports' },
      { name: 'hooks', type: 'SpearHostHooks' },
    ],
    returnType: 'SpearImports',
    statements: (w) => {
      w.write('return {').newLine();
      for (const { h, code } of calls) {
        if (!h.blocking) {
          // Called through a JS function: V8 calls a native function faster from JS than from wasm.
          const params = code.wasmParams.map((p) => `${p.name}: ${p.type}`).join(', ');
          w.writeLine(`${h.name}: (${params}): ${finalResult(code)} => native.${h.name}(${code.wasmParams.map((p) => p.name).join(', ')}),`);
          continue;
        }
        const timeout = h.plan.timeout ? wasmName(h.plan.timeout.value) : undefined;
        const args = code.wasmParams.map((p) => (p.name === timeout ? 'left' : p.name)).join(', ');
        const big = code.wasmResult === 'bigint';
        const code_ = (c: string): string => (big ? `BigInt(${c})` : c);
        w.writeLine(`${h.name}: (${code.wasmParams.map((p) => `${p.name}: ${p.type}`).join(', ')}): ${finalResult(code)} => {`);
        if (timeout) w.writeLine(`const t0 = ${timeout} > 0 ? hooks.now() : 0;`).writeLine(`let left = ${timeout};`);
        w.writeLine('for (; ;) {'); // the TypeScript formatter's spacing
        w.writeLine(`const r = native.${h.name}(${args});`);
        w.writeLine(`if (r === ${code_('CALLBACK_PENDING')}) {`);
        w.writeLine('hooks.runCallbacks();');
        if (timeout) w.writeLine(`left = remaining(${timeout}, t0, hooks.now());`);
        w.writeLine('continue;');
        w.writeLine('}');
        w.writeLine(`if (r === ${code_('ABORTED')}) hooks.aborted();`);
        w.writeLine(finalResult(code) === 'void' ? 'return;' : 'return r;');
        w.writeLine('}');
        w.writeLine('},');
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
            w.writeLine(`timeout: ${h.plan.timeout ? str(h.plan.timeout.param.name) : 'null'},`);
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
        const value = code.implResult.startsWith('void') ? 'undefined' : code.implResult === 'bigint' ? 'BigInt(-Errno.ENOSYS)' : '-Errno.ENOSYS';
        w.writeLine(`${h.name}: () => ${value},`);
      }
      w.write('};');
    },
  });

  return finish(sf);
}
