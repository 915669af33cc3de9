/**
 * The IDL interfaces (Session, MemoryRegion, Transfer) and dictionaries as the templates see
 * them: the core API each glue class forwards to, and the conversions of every argument.
 *
 * Core API conventions (declared in `<interface>_core.hpp`):
 *   sync method    int32_t name(params..., Result &result)   0 or -errno; result when 0
 *   async method   void name(params..., Done<Result> done)    done(err, result) exactly once,
 *                                                              from any thread
 *   constructor    int32_t make_<interface>(params..., std::shared_ptr<XApi> &out)
 */
import type { ApiParam, ApiType, DictionaryDef, DictionaryField, Errno, InterfaceDef, Method } from '../../model';
import { cppLiteral, cppString, docComment, ident, pascal, snake, wrapList } from '../cpp/text';
import { coreApi, coreArgs, coreParams, cppType, dictConverter, dictReader, fromJs, jsName, toJs } from './types';

/** A deterministic 128-bit napi type tag for a class (FNV-1a over its name, twice). */
export function typeTag(name: string): string {
  const fnv = (seed: bigint): bigint => {
    let h = seed;
    for (const c of Buffer.from(`hostwire:${name}`)) h = BigInt.asUintN(64, (h ^ BigInt(c)) * 0x100000001b3n);
    return h;
  };
  const hex = (n: bigint): string => `0x${n.toString(16).padStart(16, '0')}ULL`;
  return `{${hex(fnv(0xcbf29ce484222325n))}, ${hex(fnv(0x84222325cbf29ce4n))}}`;
}

const errnoList = (errors: Errno[]): string => errors.map((e) => `-${e.name}`).join(', ');

function paramDocs(params: ApiParam[]): string[] {
  return params.map((p) => `\`${p.name}\`: ${p.doc}${p.optional ? ' (optional)' : ''}`);
}

/** The glue statements converting JS argument `index` into local `arg_<name>`. */
function convertParam(p: ApiParam, index: number, where: string): string[] {
  const w = `Where(${where}, "${jsName(p.name)}")`;
  const local = `arg_${p.name}`;
  if (p.type.kind === 'bytes') return [`const Bytes ${local} = ${fromJs(p.type, `info[${index}]`, w, undefined, true)};`];
  if (p.optional && p.type.kind !== 'dictionary') {
    return [
      `std::optional<${cppType(p.type, 'core::')}> ${local};`,
      `if (!info[${index}].IsUndefined()) ${local} = ${fromJs(p.type, `info[${index}]`, w)};`,
    ];
  }
  return [`const ${cppType(p.type, 'core::')} ${local} = ${fromJs(p.type, `info[${index}]`, w)};`];
}

/**
 * The glue statements that let an async call's AbortSignals turn its ECANCELED into an
 * AbortError: one per `abort_signal` field of its dictionary parameters (`Completion::AbortsWith`).
 */
function abortWatches(params: ApiParam[]): string[] {
  return params.flatMap((p, i) =>
    p.type.kind === 'dictionary'
      ? p.type.def.fields.filter((f) => f.type.kind === 'abort_signal').map((f) => `completion.AbortsWith(info[${i}], "${jsName(f.name)}");`)
      : [],
  );
}

const argList = (params: ApiParam[]): string[] =>
  params.flatMap((p) => coreArgs({ ...p, name: `arg_${p.name}` }));

function methodView(iface: InterfaceDef, m: Method) {
  const js = jsName(m.name);
  const where = `${iface.name}.${js}`;
  const params = m.params.flatMap(coreParams);
  const returnsValue = m.returns.kind !== 'void';
  const resultType = returnsValue ? cppType(m.returns) : '';
  const errs = errnoList(m.errors);
  let decl: string;
  let doc: string[];
  if (m.async) {
    const done = returnsValue ? `Done<${resultType}> done` : 'DoneVoid done';
    decl = wrapList(`  virtual void ${ident(m.name)}`, [...params, done], 0, ' = 0;');
    doc = [
      m.doc,
      ...(m.params.length ? ['', ...paramDocs(m.params)] : []),
      '',
      `Async: call \`done(0${returnsValue ? ', result' : ''})\` or \`done(-errno${returnsValue ? ', {}' : ''})\`${errs ? ` (${errs})` : ''} exactly once, from any thread; the glue settles the promise on the JS thread.`,
    ];
  } else {
    decl = wrapList(`  virtual int32_t ${ident(m.name)}`, [...params, ...(returnsValue ? [`${resultType} &result`] : [])], 0, ' = 0;');
    doc = [
      m.doc,
      ...(m.params.length ? ['', ...paramDocs(m.params)] : []),
      '',
      `Returns 0${returnsValue ? ' with `result` set' : ''}, or a negative errno${errs ? ` (${errs})` : ''}.`,
    ];
  }
  const convert = m.params.flatMap((p, i) => convertParam(p, i, 'kWhere'));
  const args = argList(m.params);
  const resultJs = returnsValue ? toJs(m.returns, 'result', 'kWhere') : 'env.Undefined()';
  return {
    name: m.name,
    js,
    method: pascal(m.name),
    where,
    async: m.async,
    doc: docComment(doc, 2),
    decl,
    convert,
    watches: m.async ? abortWatches(m.params) : [],
    returnsValue,
    resultType: returnsValue ? cppType(m.returns, 'core::') : 'Unit',
    call: `self->core_->${ident(m.name)}(${[...args, ...(m.async ? ['completion.done()'] : returnsValue ? ['result'] : [])].join(', ')})`,
    callAsyncVoid: `self->core_->${ident(m.name)}(${[...args, 'completion.done_void()'].join(', ')})`,
    resultJs,
  };
}

/** The view of one interface for the templates. */
export function interfaceView(iface: InterfaceDef) {
  const api = `${iface.name}Api`;
  const file = snake(iface.name);
  const ctor = iface.ctor && {
    doc: docComment(
      [
        iface.ctor.doc,
        ...(iface.ctor.params.length ? ['', ...paramDocs(iface.ctor.params)] : []),
        '',
        `Returns 0 with \`out\` set, or a negative errno${iface.ctor.errors.length ? ` (${errnoList(iface.ctor.errors)})` : ''}.`,
      ],
      0,
    ),
    decl: wrapList(`int32_t make_${file}`, [...iface.ctor.params.flatMap(coreParams), `std::shared_ptr<${api}> &out`], 0, ';'),
    factory: `make_${file}`,
    convert: iface.ctor.params.flatMap((p, i) => convertParam(p, i, 'kWhere')),
    call: [...argList(iface.ctor.params), 'made'].join(', '),
  };
  return {
    name: iface.name,
    member: file,
    api,
    coreApi: coreApi(iface.name),
    file,
    guard: file.toUpperCase(),
    doc: docComment([iface.doc]),
    tag: typeTag(iface.name),
    ctor,
    noCtorMessage: `${iface.name}: instances are made by the API (there is no public constructor)`,
    methods: iface.methods.map((m) => methodView(iface, m)),
  };
}

/** The C++ default initializer of a dictionary field (`= 1`, `= "127.0.0.1"`, `{}`). */
function fieldDefault(f: DictionaryField): string {
  if (f.default === undefined || f.default === null) return f.type.kind === 'bool' || f.type.kind === 'int' ? '{}' : '';
  switch (f.type.kind) {
    case 'bool':
      return ` = ${f.default ? 'true' : 'false'}`;
    case 'int':
      return ` = ${cppLiteral(BigInt(f.default as number | string), f.type.int)}`;
    case 'string':
      return ` = ${cppString(String(f.default))}`;
    default:
      throw new Error(`dictionary field ${f.name}: the N-API back end has no default for a ${f.type.kind}`);
  }
}

/** Whether an absent field is represented by an empty value of its own type (pointers). */
const nullable = (t: ApiType): boolean => t.kind === 'abort_signal' || t.kind === 'interface';

/** The view of one dictionary: the core struct and the glue converter. */
export function dictionaryView(d: DictionaryDef) {
  const fields = d.fields.map((f) => {
    const hasDefault = f.default !== undefined && f.default !== null;
    const maybe = f.optional && !hasDefault && !nullable(f.type);
    const base = cppType(f.type);
    const rules = [
      hasDefault ? `Default ${JSON.stringify(f.default)}.` : f.optional ? 'Optional.' : 'Required.',
      f.range ? `Range ${f.range[0].toString()}..${f.range[1].toString()}.` : '',
    ].filter(Boolean);
    const key = jsName(f.name);
    const convert = fromJs(f.type, 'v', `where.key("${key}")`, f.range);
    const member = ident(f.name);
    return {
      doc: docComment([`${f.doc} ${rules.join(' ')} (JS: \`${key}\`)`], 2),
      decl: maybe ? `std::optional<${base}> ${member}` : `${base} ${member}${fieldDefault(f)}`,
      key,
      // Absent (undefined) optional fields keep their default; a required field converts
      // whatever is there, so a missing one fails with the type it must have.
      convert: f.optional ? [`if (!v.IsUndefined()) out.${member} = ${convert};`] : [`out.${member} = ${convert};`],
    };
  });
  const required = d.fields.some((f) => !f.optional);
  // The ranges, for C++ callers of the core (the glue checks JS values itself).
  const tests = d.fields.flatMap((f) => {
    if (!f.range || f.type.kind !== 'int') return [];
    const int = f.type.int;
    const hasDefault = f.default !== undefined && f.default !== null;
    const value = f.optional && !hasDefault ? `*o.${ident(f.name)}` : `o.${ident(f.name)}`;
    const parts: string[] = [];
    if (f.range[0] > int.min) parts.push(`${value} >= ${cppLiteral(f.range[0], int)}`);
    if (f.range[1] < int.max) parts.push(`${value} <= ${cppLiteral(f.range[1], int)}`);
    if (!parts.length) return [];
    const test = parts.join(' && ');
    return [f.optional && !hasDefault ? `(!o.${ident(f.name)} || (${test}))` : test];
  });
  return {
    valid: tests.length ? tests.join(' &&\n         ') : 'true',
    validParam: tests.length ? 'o' : '/*o*/',
    name: pascal(d.name),
    idl: d.name,
    doc: docComment([`${d.doc} (dictionary \`${d.name}\`)`]),
    converter: dictConverter(d),
    reader: dictReader(d),
    fields,
    required,
  };
}
