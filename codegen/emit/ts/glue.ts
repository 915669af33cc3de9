/**
 * One hostcall in TypeScript: the signature an implementation has (`SpearHostImpl`), the wasm
 * signature of its import, and the glue between them, interpreted from the hostcall's
 * binding plan (resolve/plan.ts); no hostcall and no parameter kind is special-cased here.
 */
import type { Hostcall, ImplArg, IntInfo, LoweredValue, OutArg } from '../../model';
import { visitArg, visitSteps } from '../../resolve/plan';
import { camel, doc, intTsType, local } from './naming';

/**
 * Names a glue function uses besides its parameters and per-parameter locals: the enclosing
 * scope (`getMemory`, `impl`, the helpers, globals) and its fixed locals. No wasm parameter or
 * per-parameter local may take one.
 */
const GLUE_NAMES = ['getMemory', 'impl', 'implementation', 'imports', 'Errno', 'storeOutput', 'storeNeeded', 'capacityAt', 'Uint8Array', 'TypeError', 'BigInt', 'memory', 'result', 'written'];

export interface TsParam {
  name: string;
  type: string;
  doc: string;
}

/** Doc text as a sentence that ends with a period. */
const sentence = (text: string): string => {
  const t = doc(text);
  return /[.!?]$/.test(t) ? t : `${t}.`;
};

/** The implementation's result type. */
export function implResult(h: Hostcall): string {
  const n = h.plan.outputs.length;
  if (n === 1) return 'Uint8Array | number';
  if (n > 1) return `[${h.plan.outputs.map(() => 'Uint8Array').join(', ')}] | number`;
  const r = h.plan.result;
  // A blocking call without a result still returns CALLBACK_PENDING or ABORTED to its wrapper.
  if (r.kind === 'none') return h.blocking ? 'void | number' : 'void';
  return intTsType(r.int!);
}

/** The wasm-level name of a lowered value (`out_len_ptr` -> `outLenPtr`). */
export const wasmName = (v: LoweredValue): string => local(camel(v.name), new Set(GLUE_NAMES));
export const wasmTsType = (v: LoweredValue | 'i32' | 'i64'): string => ((typeof v === 'string' ? v : v.wasm) === 'i64' ? 'bigint' : 'number');

/** Converts a wasm argument to the value of its IDL integer type. */
function convertValue(x: string, int: IntInfo): string {
  switch (int.name) {
    case 'i8':
      return `(${x} << 24) >> 24`;
    case 'u8':
      return `${x} & 0xff`;
    case 'i16':
      return `(${x} << 16) >> 16`;
    case 'u16':
      return `${x} & 0xffff`;
    case 'i32':
      return `${x} | 0`;
    case 'u32':
      return `${x} >>> 0`;
    case 'i64':
      return `BigInt.asIntN(64, ${x})`;
    case 'u64':
      return `BigInt.asUintN(64, ${x})`;
  }
}

export interface CallCode {
  /** Parameters of the `SpearHostImpl` method. */
  implParams: TsParam[];
  implResult: string;
  /** Parameters and result of the wasm import. */
  wasmParams: TsParam[];
  wasmResult: string;
  /** The body of the import function (statements). */
  body: string[];
}

/** The locals the glue keeps for one argument. */
interface Names {
  start: string;
  size: string;
  lenAt: string;
  capacity: string;
  bytes: string;
}

/** The glue of one hostcall. */
export function callCode(h: Hostcall): CallCode {
  const plan = h.plan;
  const wasmParams = plan.wasmParams.map((v) => ({ name: wasmName(v), type: wasmTsType(v), doc: '' }));
  const taken = new Set([...GLUE_NAMES, ...wasmParams.map((p) => p.name)]);
  const implTaken = new Set<string>();
  const fresh = (base: string, names: Set<string>): string => {
    const id = local(base, names);
    names.add(id);
    return id;
  };
  const names = new Map<ImplArg, Names>();
  for (const a of plan.impl) {
    const base = camel(a.param.name);
    names.set(a, {
      start: fresh(`${base}Start`, taken),
      size: fresh(`${base}Size`, taken),
      lenAt: fresh(`${base}LenAt`, taken),
      capacity: fresh(`${base}Capacity`, taken),
      bytes: fresh(`${base}Bytes`, taken),
    });
  }
  // One output: its bytes are the implementation's result itself.
  if (plan.outputs.length === 1) names.get(plan.outputs[0])!.bytes = 'result';
  const n = (a: ImplArg): Names => names.get(a)!;
  const implParams: TsParam[] = [];
  const args: string[] = [];
  for (const a of plan.impl) {
    const base = camel(a.param.name);
    const capacityParam = (x: OutArg): TsParam => ({ name: fresh(`${base}Capacity`, implTaken), type: 'number', doc: `${sentence(x.param.doc)} Its capacity in bytes (\`*${x.lenPtr.name}\`).` });
    visitArg<void>(a, {
      value: (x) => {
        const p = x.param;
        const what = p.enumDef
          ? ` A value of enum \`${p.enumDef.name}\` as the guest passed it: not checked.`
          : p.flagsDef
            ? ` A mask of flags \`${p.flagsDef.name}\` as the guest passed it: not checked.`
            : '';
        implParams.push({ name: fresh(base, implTaken), type: intTsType(x.int), doc: `${sentence(p.doc)}${what}` });
        args.push(convertValue(wasmName(x.value), x.int));
      },
      input: (x) => {
        implParams.push({ name: fresh(base, implTaken), type: 'Uint8Array', doc: `${sentence(x.param.doc)} A view of guest memory: valid until the call returns or the memory grows.` });
        args.push(`new Uint8Array(memory, ${n(x).start}, ${n(x).size})`);
      },
      output: (x) => {
        implParams.push(capacityParam(x));
        args.push(n(x).capacity);
      },
      inout: (x) => {
        implParams.push({
          name: fresh(`${base}Input`, implTaken),
          type: 'Uint8Array',
          doc: `${sentence(x.param.doc)} Its input: the \`*${x.lenPtr.name}\` bytes at \`${x.ptr.name}\`, a view of guest memory valid until the call returns or the memory grows.`,
        });
        implParams.push(capacityParam(x));
        args.push(`new Uint8Array(memory, ${n(x).start}, ${n(x).capacity})`, n(x).capacity);
      },
    });
  }

  const outputs = plan.outputs;
  const call = `impl.${h.name}(${args.join(', ')})`;
  const bounds = (x: OutArg): string[] => [
    `const ${n(x).start} = ${wasmName(x.ptr)} >>> 0;`,
    `const ${n(x).lenAt} = ${wasmName(x.lenPtr)} >>> 0;`,
    `if (${n(x).lenAt} + 4 > memory.byteLength) return -Errno.EFAULT;`,
    `const ${n(x).capacity} = capacityAt(memory, ${n(x).lenAt});`,
  ];
  const steps = visitSteps<string[]>(plan, {
    convert: () => [],
    checkInput: (x) => [
      `const ${n(x).start} = ${wasmName(x.ptr)} >>> 0;`,
      `const ${n(x).size} = ${wasmName(x.len)} >>> 0;`,
      `if (${n(x).start} + ${n(x).size} > memory.byteLength) return -Errno.EFAULT;`,
    ],
    readLength: bounds,
    checkOutput: (x) => [`if (${n(x).start} + ${n(x).capacity} > memory.byteLength) return -Errno.EFAULT;`],
    call: () => {
      if (outputs.length === 0) return plan.result.kind === 'none' && !h.blocking ? [`${call};`] : [`return ${call};`];
      const lines = [`const result = ${call};`, "if (typeof result === 'number') return result;"];
      if (outputs.length > 1) {
        // Several outputs: each fits, or none is written (each that does not fit gets its needed length).
        lines.push(`const [${outputs.map((o) => n(o).bytes).join(', ')}] = result;`);
        const over = outputs.map((o) => `${n(o).bytes}.length > ${n(o).capacity}`).join(' || ');
        lines.push(`if (${over}) {`, ...outputs.map((o) => `storeNeeded(getMemory, ${n(o).lenAt}, ${n(o).capacity}, ${n(o).bytes});`), 'return -Errno.ENOSPC;', '}');
      }
      const counted = plan.result.counts;
      if (counted && plan.result.unit > 1) {
        const record = h.returns.of!;
        lines.push(
          `if (${n(counted).bytes}.length % ${plan.result.unit} !== 0) {`,
          `throw new TypeError(\`${h.name}: the implementation returned \${${n(counted).bytes}.length} bytes, not a whole number of ${record.name} records (${record.size} bytes each)\`);`,
          '}',
        );
      }
      return lines;
    },
    store: (x) => {
      const store = `storeOutput(getMemory, ${n(x).start}, ${n(x).lenAt}, ${n(x).capacity}, ${n(x).bytes})`;
      if (x === plan.result.counts) return [plan.result.unit > 1 ? `const written = ${store};` : `return ${store};`];
      return outputs.length === 1 ? [`if (${store} < 0) return -Errno.ENOSPC;`] : [`${store};`];
    },
    return: (r) => {
      if (outputs.length === 0) return [];
      if (r.counts) return r.unit > 1 ? [`return written < 0 ? written : written / ${r.unit};`] : [];
      return ['return 0;'];
    },
  });
  const body: string[] = [];
  const setup = plan.steps.some((s) => s.op === 'checkInput' || s.op === 'readLength');
  if (setup) body.push('const memory = getMemory().buffer;');
  body.push(...steps.flat());
  return {
    implParams,
    implResult: implResult(h),
    wasmParams,
    wasmResult: plan.wasmResult === null ? (h.blocking ? 'void | number' : 'void') : wasmTsType(plan.wasmResult),
    body,
  };
}
