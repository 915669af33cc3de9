/**
 * GuestInstance: one method per hostcall, named by its import name, taking the arguments of
 * the TypeScript `SpearHostImpl` contract, forwarding to the core's `GuestInstanceApi`.
 *
 * JS arguments (as `SpearHostImpl` has them) and core parameters, per IDL parameter kind:
 *
 *   fd, int, enum, flags, fn_index   number (bigint for 64-bit)   ->  the integer type
 *   in_bytes, in_string              Uint8Array                  ->  const uint8_t *x, size_t x_len
 *   out_bytes                        capacity number             ->  size_t x_capacity, Output &x
 *   ctl_arg                          Uint8Array, capacity number ->  const uint8_t *x, size_t x_len,
 *                                                                    size_t x_capacity, Output &x_out
 */
import type { Hostcall, HostcallParam } from '../../model';
import { docComment, ident, kName, pascal, wrapList } from '../cpp/text';
import { intFromJs, jsName } from './types';

interface Piece {
  /** Core parameter declarations. */
  params: string[];
  /** Glue statements converting the JS arguments into locals. */
  locals: string[];
  /** Arguments of the core call. */
  args: string[];
  /** The number of JS arguments consumed. */
  jsArgs: number;
  /** The JS argument names (for docs). */
  jsNames: string[];
  /** The glue's Output local, for parameters with an output. */
  output?: string;
}

function integerArg(p: HostcallParam, index: number, where: string, name: string): string {
  const int = p.int;
  if (int.bytes === 8) return `to_bigint_${int.signed ? 'i' : 'u'}64(info[${index}], Where(${where}, "${name}"))`;
  return intFromJs(int, `info[${index}]`, `Where(${where}, "${name}")`);
}

/** A capacity: the u32 the guest stored at `*len_ptr`. */
function capacityArg(index: number, where: string, name: string): string {
  return `to_int<uint32_t>(info[${index}], Where(${where}, "${name}"))`;
}

function piece(p: HostcallParam, index: number): Piece {
  const n = ident(p.name);
  const where = 'kWhere';
  switch (p.kind) {
    case 'fd':
    case 'int':
    case 'enum':
    case 'flags':
    case 'fn_index': {
      const js = jsName(p.name);
      return {
        params: [`${p.int.c} ${n}`],
        locals: [`const ${p.int.c} ${n} = ${integerArg(p, index, where, js)};`],
        args: [n],
        jsArgs: 1,
        jsNames: [js],
      };
    }
    case 'in_bytes':
    case 'in_string': {
      const js = jsName(p.name);
      return {
        params: [`const uint8_t *${n}`, `size_t ${p.name}_len`],
        locals: [`const Bytes ${n} = to_bytes(info[${index}], Where(${where}, "${js}"));`],
        args: [`${n}.data`, `${n}.size`],
        jsArgs: 1,
        jsNames: [js],
      };
    }
    case 'out_bytes': {
      const js = `${jsName(p.name)}Capacity`;
      return {
        params: [`size_t ${p.name}_capacity`, `Output &${n}`],
        locals: [`const size_t ${p.name}_capacity = ${capacityArg(index, where, js)};`, `core::Output ${n};`],
        args: [`${p.name}_capacity`, n],
        jsArgs: 1,
        jsNames: [js],
        output: n,
      };
    }
    case 'ctl_arg': {
      const input = `${jsName(p.name)}Input`;
      const capacity = `${jsName(p.name)}Capacity`;
      return {
        params: [`const uint8_t *${n}`, `size_t ${p.name}_len`, `size_t ${p.name}_capacity`, `Output &${p.name}_out`],
        locals: [
          `const Bytes ${n} = to_bytes(info[${index}], Where(${where}, "${input}"));`,
          `const size_t ${p.name}_capacity = ${capacityArg(index + 1, where, capacity)};`,
          `core::Output ${p.name}_out;`,
        ],
        args: [`${n}.data`, `${n}.size`, `${p.name}_capacity`, `${p.name}_out`],
        jsArgs: 2,
        jsNames: [input, capacity],
        output: `${p.name}_out`,
      };
    }
  }
}

/** The C++ result type of a hostcall in the core API. */
function resultType(h: Hostcall): string {
  if (h.returns.kind === 'value') return h.returns.int!.c;
  return 'int32_t';
}

function returnDoc(h: Hostcall, output: boolean): string {
  const errs = h.errors.length ? ` (${h.errors.map((e) => `-${e.name}`).join(', ')})` : '';
  switch (h.returns.kind) {
    case 'none':
      return `Returns 0, or a negative errno${errs}: the ABI has no result for it, so the glue throws it.`;
    case 'value':
      return `Returns the ${h.returns.int!.name} value${h.errors.length ? `, or a negative errno${errs}` : ''}.`;
    case 'fd':
      return `Returns the new fd, or a negative errno${errs}.`;
    case 'status':
      return `Returns 0, or a negative errno${errs}.`;
    case 'count':
      return output
        ? `Returns 0 with the bytes for the guest in the Output (the glue writes them back and counts them${h.returns.of ? ` in ${h.returns.of.name} records` : ''}), a negative errno${errs}, or a number returned as is with the Output left empty.`
        : `Returns a count, or a negative errno${errs}.`;
  }
}

/** The view of one hostcall for the templates. */
export function hostcallView(h: Hostcall) {
  let index = 0;
  const pieces = h.params.map((p) => {
    const x = piece(p, index);
    index += x.jsArgs;
    return x;
  });
  const outputs = pieces.filter((x) => x.output);
  if (outputs.length > 1) throw new Error(`hostcall ${h.name}: the N-API back end supports one output parameter`);
  const output = outputs[0]?.output;
  const result = resultType(h);
  const call = `impl.${h.name}(${pieces.flatMap((x) => x.args).join(', ')})`;
  let ret: string[];
  if (h.returns.kind === 'none') {
    ret = ['if (r < 0) throw errno_error(env, kWhere, r, core::take_error_detail());', 'return env.Undefined();'];
  } else if (h.returns.kind === 'value' && h.returns.int!.bytes === 8) {
    ret = ['return Napi::BigInt::New(env, r);'];
  } else if (output) {
    ret = [`return output_result(env, r, ${output});`];
  } else {
    ret = ['return Napi::Number::New(env, r);'];
  }
  const paramDocs = h.params.map((p) => `\`${p.name}\`: ${p.doc}`);
  const unimplemented = !h.implemented;
  return {
    name: h.name,
    method: pascal(h.name),
    where: `GuestInstance.${h.name}`,
    jsArgs: pieces.flatMap((x) => x.jsNames).join(', '),
    doc: docComment(
      [
        h.doc,
        ...(paramDocs.length ? ['', ...paramDocs] : []),
        '',
        returnDoc(h, output !== undefined),
        ...(h.blocking
          ? ['', 'May block: it runs on the calling guest\'s worker thread, and the glue holds no lock or other thread\'s handle while it does.']
          : []),
        ...(unimplemented ? ['', 'Declared by the ABI but not implemented (IDL `implemented: false`): -ENOSYS unless overridden.'] : []),
      ],
      2,
    ),
    decl: wrapList(`  virtual ${result} ${h.name}`, pieces.flatMap((x) => x.params), 0, ' = 0;'),
    pure: !unimplemented,
    // A default body uses no parameter: their names are commented out (no unused warnings).
    declUnnamed: wrapList(
      `  virtual ${result} ${h.name}`,
      pieces.flatMap((x) => x.params).map((d) => d.replace(/\s*([*&]?)([A-Za-z_][A-Za-z0-9_]*)$/, (_m, p: string, n: string) => `${p ? ` ${p}` : ''} /*${n}*/`)),
      0,
      ` { return ${h.returns.kind === 'value' ? `-static_cast<${result}>(abi::${kName('ENOSYS')})` : `-abi::${kName('ENOSYS')}`}; }`,
    ),
    locals: pieces.flatMap((x) => x.locals),
    result,
    call,
    ret,
  };
}
