/**
 * How each IDL API type crosses the N-API boundary: its C++ type in the core's API, the glue
 * expression that converts and validates a JS value into it, and the one that turns a core
 * result into a JS value. Every back-end decision about API types is made here.
 */
import type { ApiParam, ApiType, DictionaryDef, IntInfo } from '../../model';
import { camel, pascal, snake } from '../cpp/text';

/** The largest integer a JS number holds exactly (2^53 - 1). */
const SAFE = (1n << 53n) - 1n;

/** The C++ literal of an int64 bound (plain when it fits an int). */
function i64(n: bigint): string {
  if (n >= -(1n << 31n) + 1n && n < 1n << 31n) return n.toString();
  return n < 0n ? `(-INT64_C(${(-n).toString()}))` : `INT64_C(${n.toString()})`;
}

/**
 * The glue expression converting JS number `v` at `where` into integer type `int`:
 * `to_int<T>(v, w)` checks the type's own bounds (within +-(2^53 - 1)), and a range, when
 * given, narrows them.
 */
export function intFromJs(int: IntInfo, v: string, where: string, range?: [bigint, bigint]): string {
  if (!range) return `to_int<${int.c}>(${v}, ${where})`;
  const lo = range[0] < -SAFE ? -SAFE : range[0];
  const hi = range[1] > SAFE ? SAFE : range[1];
  return `to_int<${int.c}>(${v}, ${where}, ${i64(lo)}, ${i64(hi)})`;
}

/** The glue class (and JS class) of an interface, and its core API class. */
const glueClass = (iface: string): string => iface;
export const coreApi = (iface: string): string => `core::${iface}Api`;
export const dictConverter = (d: DictionaryDef): string => `to_${d.name}`;
/** The glue's reader of a dictionary with a conversion's keys (dictionaries.cc; `read_post_op`). */
export const dictReader = (d: DictionaryDef): string => `read_${d.name}`;

/** A name for a type, for converter functions of arrays (`post_op`, `string`, `u32`). */
function typeKey(t: ApiType): string {
  switch (t.kind) {
    case 'int':
      return t.int.name;
    case 'dictionary':
      return t.def.name;
    case 'interface':
      return snake(t.name);
    case 'record':
      return t.def.name;
    case 'array':
      return `${typeKey(t.element)}_array`;
    default:
      return t.kind;
  }
}

export const arrayConverter = (t: ApiType): string => `to_${typeKey(t)}`;
/** The glue's converter of a core dictionary (a result) into a JS object (`from_notif`). */
export const dictFromCore = (d: DictionaryDef): string => `from_${d.name}`;
/** The glue's converter of a core vector (a result) into a JS array (`from_notif_array`). */
export const arrayFromCore = (t: ApiType): string => `from_${typeKey(t)}`;

/**
 * The C++ type of a value of `t` held by the core (dictionary fields, vector elements,
 * results); `q` qualifies the core's own types (`core::` in the glue, nothing in the core).
 */
export function cppType(t: ApiType, q = ''): string {
  switch (t.kind) {
    case 'bool':
      return 'bool';
    case 'string':
      return 'std::string';
    case 'int':
      return t.int.c;
    case 'bytes':
      return 'std::vector<uint8_t>';
    case 'memory':
      return `${q}Memory`;
    case 'abort_signal':
      return `std::shared_ptr<${q}AbortToken>`;
    case 'json':
      return 'std::string';
    case 'dictionary':
      return `${q}${pascal(t.def.name)}`;
    case 'interface':
      return `std::shared_ptr<${q}${t.name}Api>`;
    case 'record':
      return `abi::${pascal(t.def.name)}`;
    case 'array':
      return `std::vector<${cppType(t.element, q)}>`;
    case 'void':
      throw new Error('void has no C++ value type');
  }
}

/**
 * The core-API parameters of an IDL parameter. A sync method gets views valid during the
 * call (bytes as pointer and length); what the core keeps, it copies.
 */
export function coreParams(p: ApiParam): string[] {
  const name = p.name;
  const t = p.type;
  if (t.kind === 'bytes') return [`const uint8_t *${name}`, `size_t ${name}_len`];
  const base = cppType(t);
  const scalar = t.kind === 'bool' || t.kind === 'int';
  const type = p.optional && t.kind !== 'dictionary' ? `std::optional<${base}>` : base;
  return [scalar && !p.optional ? `${type} ${name}` : `const ${type} &${name}`];
}

/** The arguments passed to the core for a converted parameter held in local `name`. */
export function coreArgs(p: ApiParam): string[] {
  if (p.type.kind === 'bytes') return [`${p.name}.data`, `${p.name}.size`];
  return [p.name];
}

/** The JS spelling of a parameter or dictionary key. */
export const jsName = camel;

/**
 * The glue expression converting JS value `v` (a `Napi::Value` expression) at `where` (a
 * `Where` expression) into the core's C++ value of `t`. `range` bounds integers.
 */
export function fromJs(t: ApiType, v: string, where: string, range?: [bigint, bigint], view = false): string {
  switch (t.kind) {
    case 'bool':
      return `to_bool(${v}, ${where})`;
    case 'string':
      return `to_string(${v}, ${where})`;
    case 'int':
      return intFromJs(t.int, v, where, range);
    case 'bytes':
      return view ? `to_bytes(${v}, ${where})` : `to_byte_vector(${v}, ${where})`;
    case 'memory':
      return `to_memory(${v}, ${where})`;
    case 'abort_signal':
      return `to_abort_signal(${v}, ${where})`;
    case 'json':
      throw new Error('json is only a result type');
    case 'dictionary':
      return `${dictConverter(t.def)}(${v}, ${where})`;
    case 'interface':
      return `${glueClass(t.name)}::FromValue(${v}, ${where})`;
    case 'record':
      return `to_record<abi::${pascal(t.def.name)}>(${v}, ${where})`;
    case 'array':
      return `${arrayConverter(t)}(${v}, ${where})`;
    case 'void':
      throw new Error('void is not a parameter type');
  }
}

/** The glue expression turning core value `r` of type `t` into a JS value (`env` in scope). */
export function toJs(t: ApiType, r: string, where: string): string {
  switch (t.kind) {
    case 'bool':
      return `Napi::Boolean::New(env, ${r})`;
    case 'string':
      return `Napi::String::New(env, ${r})`;
    case 'int':
      return t.int.bytes === 8 ? `from_${t.int.signed ? 'i' : 'u'}64(env, ${r}, ${where})` : `Napi::Number::New(env, ${r})`;
    case 'bytes':
      return `from_bytes(env, ${r})`;
    case 'json':
      return `from_json(env, ${r}, ${where})`;
    case 'memory':
      return `from_memory(env, ${r}, ${where})`;
    case 'interface':
      return `${glueClass(t.name)}::NewInstance(env, ${r}, ${where})`;
    case 'record':
      return `from_record(env, ${r})`;
    case 'dictionary':
      return `${dictFromCore(t.def)}(env, ${r})`;
    case 'array':
      return `${arrayFromCore(t)}(env, ${r})`;
    case 'void':
      return 'env.Undefined()';
    default:
      throw new Error(`the N-API back end cannot return a ${t.kind} yet`);
  }
}

/** Every array type reachable from the API (parameters and dictionary fields), deduplicated. */
export function arrayTypes(types: ApiType[]): ApiType[] {
  const out = new Map<string, ApiType>();
  const visit = (t: ApiType): void => {
    if (t.kind === 'array') {
      visit(t.element);
      out.set(arrayConverter(t), t);
    }
  };
  types.forEach(visit);
  return [...out.values()];
}

