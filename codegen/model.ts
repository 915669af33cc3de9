/**
 * The resolved model: the one normalized, typed view of the IDL that every back end reads.
 *
 * Built once by `resolve()`. Layouts (size, alignment, offsets) and the lowering of every
 * hostcall parameter to wasm values are computed there and nowhere else.
 */

/** Integer types an IDL field, constant, enum or flag set may have. */
export type IntType = 'i8' | 'u8' | 'i16' | 'u16' | 'i32' | 'u32' | 'i64' | 'u64';

export interface IntInfo {
  name: IntType;
  bytes: 1 | 2 | 4 | 8;
  signed: boolean;
  /** The C type (`int32_t`). */
  c: string;
  /** The wasm value type it lowers to. */
  wasm: 'i32' | 'i64';
  min: bigint;
  max: bigint;
}

/** Where an item came from: the IDL file and the JSON pointer inside it. */
export interface Origin {
  file: string;
  pointer: string;
}

/** A semantic version. */
export interface Version {
  major: number;
  minor: number;
  patch: number;
  /** `major.minor.patch`. */
  text: string;
}

export interface AbiMeta {
  name: string;
  version: Version;
  module: string;
  doc: string;
  c: {
    header: string;
    guard: string;
    functionPrefix: string;
    constantPrefix: string;
    importMacro: string;
  };
}

/**
 * A wire protocol between hostwire processes: a version domain of its own. Its items (enums,
 * constants, records, dictionaries, interfaces whose `protocol` names it) are versioned by
 * its version, not by the ABI's; hostcalls, errno and flags always belong to the guest ABI.
 */
export interface Protocol {
  name: string;
  version: Version;
  doc: string;
  origin: Origin;
}

export interface Errno {
  name: string;
  value: number;
  doc: string;
  origin: Origin;
}

/** A C-only compatibility name for 0 or for `-errno`. */
export interface ErrnoAlias {
  name: string;
  /** The value of the alias (0, or the negated errno). */
  value: number;
  /** The errno it negates, when it is one. */
  errno?: string;
  doc: string;
}

export interface Constant {
  name: string;
  cName: string;
  type: IntInfo;
  value: bigint;
  doc: string;
  /** The C header it belongs in (the main header unless said otherwise). */
  cHeader: string;
  /** The protocol the item belongs to; absent for the guest ABI. */
  protocol?: string;
  origin: Origin;
}

export interface EnumValue {
  name: string;
  value: bigint;
  /** The C constant name: the enum's prefix + the value name. */
  cName: string;
  doc: string;
  /** For ctl command enums: what the command's argument carries. */
  input: 'none' | 'json';
  output: 'none' | 'json';
  /** For SET_PARAM-style commands: generate `_string` and `_u32` C helpers too. */
  paramHelpers: boolean;
  /** For ctl commands: whether the C header gets inline helpers for it (false where guests define their own). */
  cHelper: boolean;
}

export interface Alias {
  /** The full C name of the alias. */
  name: string;
  /** The value or bit name it stands for. */
  of: string;
  /** The C name it expands to. */
  target: string;
}

export interface EnumDef {
  kind: 'enum';
  name: string;
  type: IntInfo;
  cPrefix: string;
  cHeader: string;
  doc: string;
  values: EnumValue[];
  aliases: Alias[];
  /** The protocol the item belongs to; absent for the guest ABI. */
  protocol?: string;
  origin: Origin;
}

export interface FlagBit {
  name: string;
  bit: number;
  /** 1 << bit, as a bigint so that bit 63 is exact. */
  mask: bigint;
  cName: string;
  doc: string;
}

export interface FlagsDef {
  kind: 'flags';
  name: string;
  type: IntInfo;
  cPrefix: string;
  cHeader: string;
  doc: string;
  bits: FlagBit[];
  /** OR of every bit. */
  allMask: bigint;
  aliases: Alias[];
  origin: Origin;
}

/** The type of a record field. */
export type FieldType =
  | { kind: 'int'; int: IntInfo }
  | { kind: 'enum'; def: EnumDef }
  | { kind: 'flags'; def: FlagsDef }
  | { kind: 'record'; def: RecordDef }
  | { kind: 'array'; element: FieldType; length: number };

export interface Layout {
  size: number;
  align: number;
}

export interface RecordField {
  name: string;
  type: FieldType;
  /** The IDL spelling of the type (`u8[16]`, `epoll_events`). */
  typeName: string;
  offset: number;
  size: number;
  align: number;
  doc: string;
  /** The only value a decoder accepts (a magic or a version). */
  const?: bigint;
  /** Inclusive bounds a decoder enforces. */
  range?: [bigint, bigint];
}

/** A golden vector: bytes and either the value they encode or the error decoding gives. */
export interface RecordVector {
  name: string;
  bytes: Uint8Array;
  /** The decoded value in canonical JSON form (see `canonicalValue`); absent for error vectors. */
  value?: unknown;
  error?: 'truncated' | 'range' | 'const';
}

export interface RecordDef {
  kind: 'record';
  name: string;
  cName: string;
  cHeader: string;
  layout: 'packed' | 'natural';
  size: number;
  align: number;
  fields: RecordField[];
  doc: string;
  vectors: RecordVector[];
  /** The protocol the item belongs to; absent for the guest ABI. */
  protocol?: string;
  origin: Origin;
}

/** IDL-level hostcall parameter types. */
export type ParamKind =
  | 'fd'
  | 'int'
  | 'enum'
  | 'flags'
  | 'fn_index'
  | 'in_bytes'
  | 'in_string'
  | 'out_bytes'
  | 'ctl_arg';

/** One wasm-level value a parameter lowers to. */
export interface LoweredValue {
  /** Name in the wasm signature and the C prototype (`out_ptr`, `out_len_ptr`). */
  name: string;
  wasm: 'i32' | 'i64';
  /** The C type in the import prototype. */
  c: string;
  /** What the value means. */
  role: 'value' | 'ptr' | 'len' | 'len_ptr';
}

export interface HostcallParam {
  name: string;
  kind: ParamKind;
  /** The IDL spelling of its type (`fd`, `u32`, `epoll_op`, `out_bytes`). */
  typeName: string;
  /** For `int`: the integer type; for enum/flags: their underlying type; fd/fn_index: i32. */
  int: IntInfo;
  enumDef?: EnumDef;
  flagsDef?: FlagsDef;
  /** For out_bytes: the record the buffer holds, when it holds records. */
  record?: RecordDef;
  /** For ctl_arg: the command enum. */
  commands?: EnumDef;
  /** The C parameter name of the `_str` helper (defaults to the param name). */
  cStrName: string;
  /** For out_bytes: the name of a C helper that reads one record into a struct. */
  cRecordHelper?: string;
  doc: string;
  /** The relative wait of a blocking call (ms; <= 0 kept as is on a retry): IDL `timeout: true`. */
  timeout: boolean;
  /** The wasm values, in order; produced by the shared lowering (`lowering.ts`). */
  lowered: LoweredValue[];
}

export type ReturnKind = 'count' | 'fd' | 'value' | 'status' | 'none';

export interface HostcallReturn {
  kind: ReturnKind;
  /** The integer type of the result (i32 for count/fd/status); absent for none. */
  int?: IntInfo;
  /** For count: the record counted (records rather than bytes). */
  of?: RecordDef;
}

export interface Hostcall {
  /** The import name in module `spear`. */
  name: string;
  /** The C function name (`sp_epoll_wait`). */
  cName: string;
  /** Extra C names, generated as inline wrappers (`sp_ep_wait`). */
  cAliases: string[];
  family: string;
  doc: string;
  params: HostcallParam[];
  /** Every wasm parameter, in order: the concatenation of the params' `lowered`. */
  wasmParams: LoweredValue[];
  /** The wasm result type, or null for none. */
  wasmResult: 'i32' | 'i64' | null;
  returns: HostcallReturn;
  /** The errnos the call may return, in errno-table order. */
  errors: Errno[];
  blocking: boolean;
  implemented: boolean;
  /** C helpers asked for (`str`: a `_str` variant taking C strings). */
  cHelpers: string[];
  /** How the call binds, computed once (`resolve/plan.ts`); every back end interprets it. */
  plan: BindingPlan;
  origin: Origin;
}

// ---- the binding plan of a hostcall ------------------------------------------------------------

/** An integer the implementation receives as it is (fd, fn_index, int, enum, flags). */
export interface ValueArg {
  kind: 'value';
  param: HostcallParam;
  /** Its one wasm value. */
  value: LoweredValue;
  /** The IDL integer type the wasm value is converted to. */
  int: IntInfo;
}

/** Bytes of guest memory the implementation reads: `(ptr, len)`. */
export interface InputArg {
  kind: 'input';
  param: HostcallParam;
  ptr: LoweredValue;
  len: LoweredValue;
  /** UTF-8 text (`in_string`): C helpers may take a NUL-terminated string for it. */
  text: boolean;
}

/** A buffer the implementation fills under the output-buffer rule: `(ptr, len_ptr)`. */
export interface OutputArg {
  kind: 'output';
  param: HostcallParam;
  ptr: LoweredValue;
  lenPtr: LoweredValue;
  /** The record the buffer holds, when it holds records. */
  record?: RecordDef;
}

/** A ctl argument: `*len_ptr` bytes of input at `ptr`, then an output into the same buffer. */
export interface InOutArg {
  kind: 'inout';
  param: HostcallParam;
  ptr: LoweredValue;
  lenPtr: LoweredValue;
  /** The command enum. */
  commands?: EnumDef;
}

/** One parameter of a hostcall's implementation. */
export type ImplArg = ValueArg | InputArg | OutputArg | InOutArg;
/** An argument with an output: its length word is read, checked and written back. */
export type OutArg = OutputArg | InOutArg;

/** What a hostcall returns, with every spelling a back end needs. */
export interface ResultPlan {
  kind: ReturnKind;
  /** The integer type of the result; absent for `none`. */
  int?: IntInfo;
  /** The wasm result type, or null for none. */
  wasm: 'i32' | 'i64' | null;
  /** The C type of the import's result (`void` for none): what the header declares and the static assert checks. */
  c: string;
  /** For `count` with an output: the output counted. */
  counts?: OutArg;
  /** Bytes per counted item: the record's size, or 1. */
  unit: number;
}

/**
 * One step of a call, in order. Every back end that binds a call runs these steps:
 *
 *  - `convert`: a wasm value to the IDL integer type of its argument;
 *  - `checkInput`: `ptr + len` lies within guest memory, else -EFAULT;
 *  - `readLength`: the u32 length word at `len_ptr` lies within guest memory (else -EFAULT) and is read: the capacity (and, for in/out, the input length);
 *  - `checkOutput`: `ptr + capacity` lies within guest memory, else -EFAULT;
 *  - `call`: the implementation, with the arguments in `impl` order;
 *  - `store`: the output-buffer rule: the bytes and their length; or the needed length and -ENOSPC;
 *  - `return`: the result: a count (of `unit`s), a value, a status, an fd, or nothing.
 */
export type Step =
  | { op: 'convert'; arg: ValueArg }
  | { op: 'checkInput'; arg: InputArg }
  | { op: 'readLength'; arg: OutArg }
  | { op: 'checkOutput'; arg: OutArg }
  | { op: 'call' }
  | { op: 'store'; arg: OutArg }
  | { op: 'return'; result: ResultPlan };

export interface BindingPlan {
  /** The wasm signature: parameters in order, and the result. */
  wasmParams: LoweredValue[];
  wasmResult: 'i32' | 'i64' | null;
  /** The implementation's arguments, one per IDL parameter, in order. */
  impl: ImplArg[];
  /** The arguments with an output, in order. */
  outputs: OutArg[];
  /** The relative timeout a blocking wrapper shortens on each retry. */
  timeout?: ValueArg;
  result: ResultPlan;
  steps: Step[];
}

/** Types usable in dictionaries and interface signatures. */
export type ApiType =
  | { kind: 'bool' }
  | { kind: 'string' }
  | { kind: 'int'; int: IntInfo }
  | { kind: 'bytes' }
  | { kind: 'memory' }
  | { kind: 'abort_signal' }
  /** A result only: JSON text from the core, parsed into a plain object for JS. */
  | { kind: 'json' }
  | { kind: 'void' }
  | { kind: 'dictionary'; def: DictionaryDef }
  | { kind: 'interface'; name: string }
  | { kind: 'record'; def: RecordDef }
  | { kind: 'array'; element: ApiType };

export interface DictionaryField {
  name: string;
  type: ApiType;
  typeName: string;
  optional: boolean;
  /** Default value (JSON), when the field has one. */
  default?: unknown;
  range?: [bigint, bigint];
  doc: string;
}

export interface DictionaryDef {
  name: string;
  fields: DictionaryField[];
  doc: string;
  /** The protocol the item belongs to; absent for the guest ABI. */
  protocol?: string;
  origin: Origin;
}

export interface ApiParam {
  name: string;
  type: ApiType;
  typeName: string;
  optional: boolean;
  doc: string;
}

export interface Method {
  name: string;
  async: boolean;
  params: ApiParam[];
  returns: ApiType;
  returnsName: string;
  errors: Errno[];
  doc: string;
}

export interface InterfaceDef {
  name: string;
  doc: string;
  /** Absent when instances are only made by other methods (MemoryRegion, Transfer). */
  ctor?: { params: ApiParam[]; errors: Errno[]; doc: string };
  methods: Method[];
  /** The protocol the item belongs to; absent for the guest ABI. */
  protocol?: string;
  origin: Origin;
}

export interface Model {
  abi: AbiMeta;
  /** The protocols, in declaration order (files in name order). */
  protocols: Protocol[];
  errnos: Errno[];
  errnoAliases: ErrnoAlias[];
  constants: Constant[];
  enums: EnumDef[];
  flags: FlagsDef[];
  records: RecordDef[];
  hostcalls: Hostcall[];
  dictionaries: DictionaryDef[];
  interfaces: InterfaceDef[];
  /** The IDL files read, relative to the IDL root, sorted. */
  files: string[];
}

/** A file a back end produces, relative to the output directory. */
export interface GeneratedFile {
  path: string;
  content: string;
}
