/**
 * The binding plan of a hostcall: what a call reads, checks, calls, writes and returns, in
 * order, computed once from its IDL parameters and result. The C header, the TypeScript glue,
 * the N-API glue, the docs, the conformance tests and the runtime's host table each interpret
 * a plan; none re-derives it from parameter kinds. This file and `lowering.ts` are the only
 * places that look at a parameter's IDL kind.
 *
 *   IDL kind                         argument   steps
 *   fd, fn_index, int, enum, flags   value      convert
 *   in_bytes, in_string              input      checkInput
 *   out_bytes                        output     readLength, checkOutput ... store
 *   ctl_arg                          inout      readLength, checkOutput ... store
 *
 * Then `call` (arguments in IDL order), the `store`s of the outputs, and `return`.
 *
 * Adding an argument kind: a case in `lowering.ts` and `implArg` below, a member of `ImplArg`
 * in the model, and one method in `ArgVisitor`: the compiler then names every back end that
 * lacks it.
 */
import type {
  BindingPlan,
  HostcallParam,
  HostcallReturn,
  ImplArg,
  InOutArg,
  InputArg,
  OutArg,
  OutputArg,
  ResultPlan,
  Step,
  ValueArg,
} from '../model';
import { INTS } from './ints';
import { lowerResult } from './lowering';

/**
 * What a blocking call of the native instance may return besides its result and -errno
 * (both outside the errno range). The generated TypeScript and C++ take them from here.
 */
export const BLOCKING_CODES = {
  /** A guest callback (a tool call) is queued: run it on the guest's thread, then call again. */
  CALLBACK_PENDING: -65536,
  /** The instance is being stopped: unwind the guest. */
  ABORTED: -65537,
} as const;

function implArg(p: HostcallParam): ImplArg {
  const [a, b] = p.lowered;
  switch (p.kind) {
    case 'fd':
    case 'fn_index':
    case 'int':
    case 'enum':
    case 'flags':
      return { kind: 'value', param: p, value: a, int: p.int };
    case 'in_bytes':
    case 'in_string':
      return { kind: 'input', param: p, ptr: a, len: b, text: p.kind === 'in_string' };
    case 'out_bytes':
      return { kind: 'output', param: p, ptr: a, lenPtr: b, record: p.record };
    case 'ctl_arg':
      return { kind: 'inout', param: p, ptr: a, lenPtr: b, commands: p.commands };
  }
}

/** Calls the method of `v` for the kind of `a`. */
export interface ArgVisitor<T> {
  value(a: ValueArg): T;
  input(a: InputArg): T;
  output(a: OutputArg): T;
  inout(a: InOutArg): T;
}

export function visitArg<T>(a: ImplArg, v: ArgVisitor<T>): T {
  switch (a.kind) {
    case 'value':
      return v.value(a);
    case 'input':
      return v.input(a);
    case 'output':
      return v.output(a);
    case 'inout':
      return v.inout(a);
  }
}

/** One method per step (see `Step` in the model). */
export interface StepVisitor<T> {
  convert(a: ValueArg): T;
  checkInput(a: InputArg): T;
  readLength(a: OutArg): T;
  checkOutput(a: OutArg): T;
  call(): T;
  store(a: OutArg): T;
  return(r: ResultPlan): T;
}

/** The plan's steps, each interpreted by `v`, in order. */
export function visitSteps<T>(plan: BindingPlan, v: StepVisitor<T>): T[] {
  return plan.steps.map((s) => {
    switch (s.op) {
      case 'convert':
        return v.convert(s.arg);
      case 'checkInput':
        return v.checkInput(s.arg);
      case 'readLength':
        return v.readLength(s.arg);
      case 'checkOutput':
        return v.checkOutput(s.arg);
      case 'call':
        return v.call();
      case 'store':
        return v.store(s.arg);
      case 'return':
        return v.return(s.result);
    }
  });
}

/** Whether an argument has an output. */
export const hasOutput = (a: ImplArg): a is OutArg => a.kind === 'output' || a.kind === 'inout';

function resultPlan(r: HostcallReturn, outputs: OutArg[]): ResultPlan {
  const int = r.kind === 'none' ? undefined : (r.int ?? INTS.i32);
  const counts = r.kind === 'count' && outputs.length === 1 ? outputs[0] : undefined;
  return {
    kind: r.kind,
    int,
    wasm: lowerResult(r),
    c: int ? int.c : 'void',
    counts,
    unit: r.of?.size ?? 1,
  };
}

/**
 * The plan of a hostcall with these (lowered) parameters and this result. Validation has
 * refused what no plan can bind: an output on a call that returns neither `count` nor
 * `status`, a `count` over several outputs.
 */
export function planHostcall(params: HostcallParam[], returns: HostcallReturn): BindingPlan {
  const impl = params.map(implArg);
  const outputs = impl.filter(hasOutput);
  const result = resultPlan(returns, outputs);
  const steps: Step[] = [];
  for (const a of impl) {
    visitArg<void>(a, {
      value: (x) => steps.push({ op: 'convert', arg: x }),
      input: (x) => steps.push({ op: 'checkInput', arg: x }),
      output: (x) => steps.push({ op: 'readLength', arg: x }, { op: 'checkOutput', arg: x }),
      inout: (x) => steps.push({ op: 'readLength', arg: x }, { op: 'checkOutput', arg: x }),
    });
  }
  steps.push({ op: 'call' });
  for (const o of outputs) steps.push({ op: 'store', arg: o });
  steps.push({ op: 'return', result });
  const timeout = impl.find((a): a is ValueArg => a.kind === 'value' && a.param.timeout);
  return {
    wasmParams: params.flatMap((p) => p.lowered),
    wasmResult: result.wasm,
    impl,
    outputs,
    timeout,
    result,
    steps,
  };
}
