/**
 * GuestInstance in N-API: an interpreter of each hostcall's binding plan (resolve/plan.ts),
 * in two forms that call the same core member (`GuestInstanceApi`):
 *
 *  - the **wasm import** (`inst.wasmImports()[name]`): takes the wasm values, runs the plan's
 *    steps against the guest memory handed over by `attachMemory` (bounds checks, the length
 *    word, the output-buffer rule), so the core writes outputs straight into guest memory;
 *  - the **`SpearHostImpl` method** (`inst[name]`): takes the arguments of the TypeScript
 *    implementation interface (byte views, capacities) and returns the output's bytes, so an
 *    instance is an implementation the TypeScript glue can bind as well.
 *
 * The core's parameters, per argument of the plan:
 *
 *   value    the integer type                        (`int32_t fd`)
 *   input    const uint8_t *x, size_t x_len
 *   output   Output &x                               (capacity and result: core_types.hpp)
 *   inout    const uint8_t *x, size_t x_len, Output &x_out
 */
import type { Hostcall, ImplArg, OutArg, ResultPlan, ValueArg } from '../../model';
import { visitArg, visitSteps } from '../../resolve/plan';
import { docComment, ident, kName, pascal, wrapList } from '../cpp/text';
import { intFromJs, jsName } from './types';

/** What one argument is in the core's API and in the `SpearHostImpl` method. */
interface Piece {
  /** Core parameter declarations. */
  params: string[];
  /** The impl method's statements converting its JS arguments. */
  locals: string[];
  /** Arguments of the core call. */
  args: string[];
  /** The JS argument names of the impl method (for docs). */
  jsNames: string[];
  /** The Output local, for an argument with an output. */
  output?: string;
}

const outName = (a: OutArg): string => (a.kind === 'inout' ? `${a.param.name}_out` : ident(a.param.name));

function implPiece(a: ImplArg, index: number): Piece {
  const n = ident(a.param.name);
  const w = (js: string): string => `Where(kWhere, "${js}")`;
  const capacity = (i: number, js: string): string => `to_int<uint32_t>(info[${i}], ${w(js)})`;
  return visitArg<Piece>(a, {
    value: (x) => {
      const js = jsName(x.param.name);
      const conv = x.int.bytes === 8 ? `to_bigint_${x.int.signed ? 'i' : 'u'}64(info[${index}], ${w(js)})` : intFromJs(x.int, `info[${index}]`, w(js));
      return { params: [`${x.int.c} ${n}`], locals: [`const ${x.int.c} ${n} = ${conv};`], args: [n], jsNames: [js] };
    },
    input: (x) => {
      const js = jsName(x.param.name);
      return {
        params: [`const uint8_t *${n}`, `size_t ${x.param.name}_len`],
        locals: [`const Bytes ${n} = to_bytes(info[${index}], ${w(js)});`],
        args: [`${n}.data`, `${n}.size`],
        jsNames: [js],
      };
    },
    output: (x) => {
      const js = `${jsName(x.param.name)}Capacity`;
      return { params: [`Output &${n}`], locals: [`core::Output ${n}(${capacity(index, js)});`], args: [n], jsNames: [js], output: outName(x) };
    },
    inout: (x) => {
      const input = `${jsName(x.param.name)}Input`;
      const js = `${jsName(x.param.name)}Capacity`;
      const out = outName(x);
      return {
        params: [`const uint8_t *${n}`, `size_t ${x.param.name}_len`, `Output &${out}`],
        locals: [`const Bytes ${n} = to_bytes(info[${index}], ${w(input)});`, `core::Output ${out}(${capacity(index + 1, js)});`],
        args: [`${n}.data`, `${n}.size`, out],
        jsNames: [input, js],
        output: out,
      };
    },
  });
}

/** The C++ type the core returns. */
const coreResult = (r: ResultPlan): string => (r.kind === 'value' ? r.int!.c : 'int32_t');

/** The statements returning result `r` of the core to JS (the outputs already handled). */
function returnJs(r: ResultPlan, where: string): string[] {
  if (r.kind === 'none') return [`if (r < 0) throw errno_error(env, ${where}, r, core::take_error_detail());`, 'return env.Undefined();'];
  if (r.int!.bytes === 8) return ['return Napi::BigInt::New(env, r);'];
  return ['return Napi::Number::New(env, r);'];
}

/** A blocking call without a result still returns the codes its wrapper acts on; other errors throw. */
const blockingNone = [
  'if (r < 0 && r != core::kCallbackPending && r != core::kAborted) throw errno_error(env, kWhere, r, core::take_error_detail());',
  'return r < 0 ? Napi::Value(Napi::Number::New(env, r)) : env.Undefined();',
];

/** The impl method: JS arguments of `SpearHostImpl`, the bytes of the output back. */
function implMethod(h: Hostcall): { locals: string[]; call: string; ret: string[]; jsArgs: string; params: string[] } {
  let index = 0;
  const pieces = h.plan.impl.map((a) => {
    const p = implPiece(a, index);
    index += p.jsNames.length;
    return p;
  });
  const outputs = pieces.flatMap((p) => (p.output ? [p.output] : []));
  let ret: string[];
  if (outputs.length === 1) ret = [`return output_result(env, r, ${outputs[0]});`];
  else if (outputs.length > 1) ret = [`return outputs_result(env, r, {${outputs.map((o) => `&${o}`).join(', ')}});`];
  else ret = h.plan.result.kind === 'none' && h.blocking ? blockingNone : returnJs(h.plan.result, 'kWhere');
  return {
    locals: pieces.flatMap((p) => p.locals),
    call: `impl.${h.name}(${pieces.flatMap((p) => p.args).join(', ')})`,
    ret,
    jsArgs: pieces.flatMap((p) => p.jsNames).join(', '),
    params: pieces.flatMap((p) => p.params),
  };
}

/** The wasm import: the plan's steps over guest memory, in order. */
function wasmImport(h: Hostcall): string[] {
  const plan = h.plan;
  const at = (v: { name: string }): number => plan.wasmParams.findIndex((w) => w.name === v.name);
  const u32 = (v: { name: string }): string => `const uint32_t ${v.name} = wasm_u32(info, ${at(v)}, kWhere);`;
  const capacity = (a: OutArg): string => `${a.param.name}_capacity`;
  const body: string[] = [];
  const usesMemory = plan.steps.some((s) => s.op === 'checkInput' || s.op === 'readLength');
  if (usesMemory) body.push('const WasmView mem = ctx.memory.view(env, kWhere);');
  const coreArgs = (): string =>
    plan.impl
      .flatMap((a) =>
        visitArg<string[]>(a, {
          value: (x) => [ident(x.param.name)],
          input: (x) => [`mem.at(${x.ptr.name})`, `${x.len.name}`],
          output: (x) => [outName(x)],
          inout: (x) => [`mem.at(${x.ptr.name})`, capacity(x), outName(x)],
        }),
      )
      .join(', ');
  const convert = (x: ValueArg): string[] => {
    const raw = x.int.wasm === 'i64' ? `wasm_i64(info, ${at(x.value)}, kWhere)` : `wasm_i32(info, ${at(x.value)}, kWhere)`;
    return [`const ${x.int.c} ${ident(x.param.name)} = static_cast<${x.int.c}>(${raw});`];
  };
  const lines = visitSteps<string[]>(plan, {
    convert,
    checkInput: (x) => [u32(x.ptr), u32(x.len), `if (!mem.contains(${x.ptr.name}, ${x.len.name})) return efault(env);`],
    readLength: (x) => [
      u32(x.ptr),
      u32(x.lenPtr),
      `if (!mem.contains(${x.lenPtr.name}, 4)) return efault(env);`,
      `const uint32_t ${capacity(x)} = mem.load_u32(${x.lenPtr.name});`,
    ],
    checkOutput: (x) => [`if (!mem.contains(${x.ptr.name}, ${capacity(x)})) return efault(env);`, `core::Output ${outName(x)}(mem.at(${x.ptr.name}), ${capacity(x)});`],
    call: () => [`${plan.result.kind === 'value' ? `const ${coreResult(plan.result)}` : 'int32_t'} r = call_core(env, kWhere, [&] {`, `  return ctx.core->${h.name}(${coreArgs()});`, '});'],
    store: (x) => [`store_output(mem, ${x.lenPtr.name}, ${outName(x)}, r);`],
    return: (r) => {
      const counted = r.counts ? outName(r.counts) : undefined;
      const count = counted ? [`if (r >= 0 && ${counted}.written()) r = static_cast<int32_t>(${counted}.length()${r.unit > 1 ? ` / ${r.unit}` : ''});`] : [];
      if (r.kind === 'none' && h.blocking) return blockingNone;
      return [...count, ...returnJs(r, 'kWhere')];
    },
  });
  return [...body, ...lines.flat()];
}

function returnDoc(h: Hostcall): string {
  const errs = h.errors.length ? ` (${h.errors.map((e) => `-${e.name}`).join(', ')})` : '';
  const r = h.plan.result;
  const outputs = h.plan.outputs.length > 0;
  const written = outputs
    ? ' With an output: write the whole result into it and return 0 or more, or return -ENOSPC after `need()` with nothing written (core_types.hpp, `Output`).'
    : '';
  switch (r.kind) {
    case 'none':
      return `Returns 0, or a negative errno${errs}: the ABI has no result for it, so the glue throws it.`;
    case 'value':
      return `Returns the ${r.int!.name} value${h.errors.length ? `, or a negative errno${errs}` : ''}.`;
    case 'fd':
      return `Returns the new fd, or a negative errno${errs}.`;
    case 'status':
      return `Returns 0, or a negative errno${errs}.${written}`;
    case 'count':
      return r.counts
        ? `Returns 0 or more, or a negative errno${errs}; the guest gets the output's length${r.unit > 1 ? ` in ${h.returns.of!.name} records` : ''} when it was written, else this result as is.${written}`
        : `Returns a count, or a negative errno${errs}.`;
  }
}

/** The view of one hostcall for the templates. */
export function hostcallView(h: Hostcall) {
  const impl = implMethod(h);
  const result = coreResult(h.plan.result);
  const paramDocs = h.params.map((p) => `\`${p.name}\`: ${p.doc}`);
  const unimplemented = !h.implemented;
  const enosys = h.plan.result.kind === 'value' ? `-static_cast<${result}>(abi::${kName('ENOSYS')})` : `-abi::${kName('ENOSYS')}`;
  return {
    name: h.name,
    method: pascal(h.name),
    wasmMethod: `Wasm${pascal(h.name)}`,
    where: `GuestInstance.${h.name}`,
    wasmWhere: `spear.${h.name}`,
    jsArgs: impl.jsArgs,
    wasmArgs: h.plan.wasmParams.map((v) => v.name).join(', '),
    doc: docComment(
      [
        h.doc,
        ...(paramDocs.length ? ['', ...paramDocs] : []),
        '',
        returnDoc(h),
        ...(h.blocking
          ? ['', "May block: it runs on the calling guest's worker thread, and the glue holds no lock or other thread's handle while it does."]
          : []),
        ...(unimplemented ? ['', 'Declared by the ABI but not implemented (IDL `implemented: false`): -ENOSYS unless overridden.'] : []),
      ],
      2,
    ),
    decl: wrapList(`  virtual ${result} ${h.name}`, impl.params, 0, ' = 0;'),
    pure: !unimplemented,
    // A default body uses no parameter: their names are commented out (no unused warnings).
    declUnnamed: wrapList(
      `  virtual ${result} ${h.name}`,
      impl.params.map((d) => d.replace(/\s*([*&]?)([A-Za-z_][A-Za-z0-9_]*)$/, (_m, p: string, n: string) => `${p ? ` ${p}` : ''} /*${n}*/`)),
      0,
      ` { return ${enosys}; }`,
    ),
    locals: impl.locals,
    result,
    call: impl.call,
    ret: impl.ret,
    wasm: wasmImport(h),
  };
}
