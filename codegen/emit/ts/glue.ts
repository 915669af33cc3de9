/**
 * One hostcall in TypeScript: the signature an implementation has (`SpearHostImpl`), the wasm
 * signature of its import, and the glue between them. Everything is derived from the shared
 * lowering (`param.lowered`) and the param kinds; no hostcall is special-cased.
 */
import type { Hostcall, HostcallParam, IntInfo, LoweredValue } from '../../model';
import { camel, doc, intTsType, local } from './naming';

/**
 * Names a glue function uses besides its parameters and per-parameter locals: the enclosing
 * scope (`getMemory`, `impl`, the helpers, globals) and its fixed locals. No wasm parameter or
 * per-parameter local may take one.
 */
const GLUE_NAMES = ['getMemory', 'impl', 'Errno', 'storeOutput', 'capacityAt', 'Uint8Array', 'TypeError', 'BigInt', 'memory', 'result', 'written'];

export interface TsParam {
  name: string;
  type: string;
  doc: string;
}

/** What the glue does with one IDL parameter. */
interface ParamGlue {
  /** The implementation's parameters it becomes. */
  implParams: TsParam[];
  /** Statements run before the call (conversions and bounds checks). */
  setup: string[];
  /** Argument expressions, one per implementation parameter. */
  args: string[];
  /** For an output parameter: where the result bytes go. */
  output?: { start: string; lenAt: string; capacity: string };
}

/** Doc text as a sentence that ends with a period. */
const sentence = (text: string): string => {
  const t = doc(text);
  return /[.!?]$/.test(t) ? t : `${t}.`;
};

const isOutput = (p: HostcallParam): boolean => p.kind === 'out_bytes' || p.kind === 'ctl_arg';

/** The implementation's result type. */
export function implResult(h: Hostcall): string {
  if (outputParam(h)) return 'Uint8Array | number';
  if (h.returns.kind === 'none') return 'void';
  return intTsType(h.returns.int!);
}

/** The one output parameter of a call, if any; a shape this back end cannot bind throws. */
function outputParam(h: Hostcall): HostcallParam | undefined {
  const outs = h.params.filter(isOutput);
  if (outs.length > 1) throw new Error(`ts back end: hostcall '${h.name}' has ${outs.length} output parameters; one is supported`);
  if (outs.length === 1 && h.returns.kind !== 'count') {
    throw new Error(`ts back end: hostcall '${h.name}' has an output parameter but returns '${h.returns.kind}'; expected 'count'`);
  }
  return outs[0];
}

/** The wasm-level name of a lowered value (`out_len_ptr` -> `outLenPtr`). */
export const wasmName = (v: LoweredValue): string => local(camel(v.name), new Set(GLUE_NAMES));
const wasmTsType = (v: LoweredValue | 'i32' | 'i64'): string => ((typeof v === 'string' ? v : v.wasm) === 'i64' ? 'bigint' : 'number');

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

/**
 * @param taken Names in scope in the glue function (grows with the locals made here).
 * @param implTaken Names of the implementation method's parameters so far (grows too).
 */
function paramGlue(p: HostcallParam, taken: Set<string>, implTaken: Set<string>): ParamGlue {
  const base = camel(p.name);
  const fresh = (suffix: string, names = taken): string => {
    const id = local(base + suffix, names);
    names.add(id);
    return id;
  };
  const implName = (suffix: string): string => fresh(suffix, implTaken);
  const role = (r: LoweredValue['role']): string => wasmName(p.lowered.find((v) => v.role === r)!);
  switch (p.kind) {
    case 'fd':
    case 'fn_index':
    case 'int':
    case 'enum':
    case 'flags': {
      const what =
        p.kind === 'enum'
          ? ` A value of enum \`${p.enumDef!.name}\` as the guest passed it: not checked.`
          : p.kind === 'flags'
            ? ` A mask of flags \`${p.flagsDef!.name}\` as the guest passed it: not checked.`
            : '';
      return { implParams: [{ name: implName(''), type: intTsType(p.int), doc: `${sentence(p.doc)}${what}` }], setup: [], args: [convertValue(role('value'), p.int)] };
    }
    case 'in_bytes':
    case 'in_string': {
      const start = fresh('Start');
      const size = fresh('Size');
      return {
        implParams: [{ name: implName(''), type: 'Uint8Array', doc: `${sentence(p.doc)} A view of guest memory: valid until the call returns or the memory grows.` }],
        setup: [
          `const ${start} = ${role('ptr')} >>> 0;`,
          `const ${size} = ${role('len')} >>> 0;`,
          `if (${start} + ${size} > memory.byteLength) return -Errno.EFAULT;`,
        ],
        args: [`new Uint8Array(memory, ${start}, ${size})`],
      };
    }
    case 'out_bytes':
    case 'ctl_arg': {
      const start = fresh('Start');
      const lenAt = fresh('LenAt');
      const capacity = fresh('Capacity');
      const setup = [
        `const ${start} = ${role('ptr')} >>> 0;`,
        `const ${lenAt} = ${role('len_ptr')} >>> 0;`,
        `if (${lenAt} + 4 > memory.byteLength) return -Errno.EFAULT;`,
        `const ${capacity} = capacityAt(memory, ${lenAt});`,
        `if (${start} + ${capacity} > memory.byteLength) return -Errno.EFAULT;`,
      ];
      const capacityParam = { name: implName('Capacity'), type: 'number', doc: `${sentence(p.doc)} Its capacity in bytes (\`*${p.lowered[1].name}\`).` };
      const output = { start, lenAt, capacity };
      if (p.kind === 'out_bytes') return { implParams: [capacityParam], setup, args: [capacity], output };
      return {
        implParams: [{ name: implName('Input'), type: 'Uint8Array', doc: `${sentence(p.doc)} Its input: the \`*${p.lowered[1].name}\` bytes at \`${p.lowered[0].name}\`, a view of guest memory valid until the call returns or the memory grows.` }, capacityParam],
        setup,
        args: [`new Uint8Array(memory, ${start}, ${capacity})`, capacity],
        output,
      };
    }
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

/** The glue of one hostcall. */
export function callCode(h: Hostcall): CallCode {
  const wasmParams = h.wasmParams.map((v) => ({ name: wasmName(v), type: wasmTsType(v), doc: '' }));
  const taken = new Set([...GLUE_NAMES, ...wasmParams.map((p) => p.name)]);
  const out = outputParam(h);
  const implTaken = new Set<string>();
  const glue = h.params.map((p) => paramGlue(p, taken, implTaken));
  const setup = glue.flatMap((g) => g.setup);
  const call = `impl.${h.name}(${glue.flatMap((g) => g.args).join(', ')})`;
  const body: string[] = [];
  if (setup.length > 0) body.push('const memory = getMemory().buffer;', ...setup);
  const output = glue.find((g) => g.output)?.output;
  if (out && output) {
    body.push(`const result = ${call};`, "if (typeof result === 'number') return result;");
    const record = h.returns.of;
    if (record) {
      body.push(
        `if (result.length % ${record.size} !== 0) {`,
        `throw new TypeError(\`${h.name}: the implementation returned \${result.length} bytes, not a whole number of ${record.name} records (${record.size} bytes each)\`);`,
        '}',
        `const written = storeOutput(getMemory, ${output.start}, ${output.lenAt}, ${output.capacity}, result);`,
        `return written < 0 ? written : written / ${record.size};`,
      );
    } else {
      body.push(`return storeOutput(getMemory, ${output.start}, ${output.lenAt}, ${output.capacity}, result);`);
    }
  } else if (h.returns.kind === 'none') {
    body.push(`${call};`);
  } else {
    body.push(`return ${call};`);
  }
  return {
    implParams: glue.flatMap((g) => g.implParams),
    implResult: implResult(h),
    wasmParams,
    wasmResult: h.wasmResult === null ? 'void' : wasmTsType(h.wasmResult),
    body,
  };
}
