/**
 * The N-API back end (`generated/napi/`): node-addon-api glue between JS and the hand-written
 * native core, and the core API it calls (plain C++, no N-API, in the `*_core.hpp` files).
 *
 *   core_types.hpp              Memory, AbortToken, Output, Done, the dictionaries (plain C++)
 *   guest_instance_core.hpp     GuestInstanceApi: one member per hostcall (plain C++)
 *   <interface>_core.hpp        SessionApi, ... and their factories (plain C++)
 *   guest_instance.{hpp,cc}     the JS class GuestInstance
 *   <interface>.{hpp,cc}        the JS classes Session, MemoryRegion, Transfer
 *   dictionaries.{hpp,cc}       dictionaries and arrays from JS
 *   convert, memory, errors,    argument checks and conversions, JS memory, errno errors,
 *   completion, wrap,           promises settled from any thread, tagged unwrapping,
 *   addon_data                  per-environment state
 *   abi.{hpp,cc}                abi() and recordRoundTrip() for the conformance tests
 *   module.{hpp,cc}             register_bindings(env, exports), called by native/napi/addon.cc
 *
 * Templates are handlebars files beside this module, read from the source tree.
 */
import type { ApiType, GeneratedFile, Model } from '../../model';
import { protocolK } from '../cpp';
import { headerLine, ident, kName, pascal, snake, templateRenderer } from '../cpp/text';
import { hostcallView } from './hostcalls';
import { BLOCKING_CODES } from '../../resolve/plan';
import { dictionaryView, interfaceView, typeTag } from './interfaces';
import { arrayConverter, arrayFromCore, arrayTypes, cppType, dictFromCore, dictReader, fromJs, jsName, toJs } from './types';

const render = templateRenderer('napi');

/** Every API type the interfaces and dictionaries use. */
function apiTypes(model: Model): ApiType[] {
  return [
    ...model.interfaces.flatMap((i) => [
      ...(i.ctor?.params ?? []).map((p) => p.type),
      ...i.methods.flatMap((m) => m.params.map((p) => p.type)),
    ]),
    ...model.dictionaries.flatMap((d) => d.fields.map((f) => f.type)),
  ];
}

/**
 * What the API returns that the glue turns into JS objects and arrays: the dictionaries
 * (in model order) and arrays that are results, or inside one.
 */
function returnedTypes(model: Model) {
  const dicts = new Set<string>();
  const arrays = new Map<string, ApiType>();
  const visit = (t: ApiType): void => {
    if (t.kind === 'array') {
      arrays.set(arrayFromCore(t), t);
      visit(t.element);
    } else if (t.kind === 'dictionary' && !dicts.has(t.def.name)) {
      dicts.add(t.def.name);
      t.def.fields.forEach((f) => visit(f.type));
    }
  };
  model.interfaces.forEach((i) => i.methods.forEach((m) => visit(m.returns)));
  const results = model.dictionaries
    .filter((d) => dicts.has(d.name))
    .map((d) => ({
      name: pascal(d.name),
      idl: d.name,
      from: dictFromCore(d),
      fields: d.fields.map((f) => ({ key: jsName(f.name), value: toJs(f.type, `value.${ident(f.name)}`, `"${d.name}.${jsName(f.name)}"`) })),
    }));
  const resultArrays = [...arrays.values()].map((t) => {
    const element = (t as Extract<ApiType, { kind: 'array' }>).element;
    return { type: cppType(t, 'core::'), from: arrayFromCore(t), element: toJs(element, 'value[i]', `"${arrayFromCore(t)}"`) };
  });
  return { results, resultArrays };
}

function abiView(model: Model) {
  return {
    protocols: model.protocols.map((p) => ({ name: p.name, k: protocolK(p.name) })),
    enums: model.enums.map((e) => ({ idl: e.name, cpp: pascal(e.name), values: e.values.map((v) => ({ name: v.name, k: kName(v.name) })) })),
    flags: model.flags.map((f) => ({ idl: f.name, cpp: pascal(f.name), bits: f.bits.map((b) => ({ name: b.name, k: kName(b.name) })) })),
    constants: model.constants.map((c) => ({ name: c.name, k: kName(c.name) })),
    records: model.records.map((r) => ({
      idl: r.name,
      cpp: pascal(r.name),
      fields: r.fields.map((f) => ({ name: f.name, member: ident(f.name) })),
    })),
  };
}

/**
 * Names the glue uses itself: an interface spelled like one of them (as a C++ class, a file
 * or an AddonData member) would collide with it.
 */
const RESERVED = new Set(
  (
    'guest_instance core_types convert errors memory wasm_memory completion wrap dictionaries abi module addon_data ' +
    'where bytes unit env_life error_class life pending pending_tag'
  ).split(' '),
);

export function emitNapi(model: Model): GeneratedFile[] {
  const line = headerLine(model, 'napi');
  for (const i of model.interfaces) {
    if (RESERVED.has(snake(i.name))) {
      throw new Error(`N-API back end: interface '${i.name}' would collide with the glue's own '${snake(i.name)}'`);
    }
  }

  const interfaces = model.interfaces.map(interfaceView);
  const classFiles = interfaces.map((i) => i.file);
  // The dictionaries' keys, each once; a field reads its key by index (dictionaries.cc).
  const views = model.dictionaries.map(dictionaryView);
  const keys = [...new Set(views.flatMap((d) => d.fields.map((f) => f.key)))];
  const dictionaries = views.map((d) => ({ ...d, fields: d.fields.map((f) => ({ ...f, keyIndex: keys.indexOf(f.key) })) }));
  const arrays = arrayTypes(apiTypes(model)).map((t) => {
    const element = (t as Extract<ApiType, { kind: 'array' }>).element;
    return {
      type: cppType(t, 'core::'),
      converter: arrayConverter(t),
      element: element.kind === 'dictionary' ? `\`${element.def.name}\`` : element.kind,
      // An array of dictionaries reads every element with the same keys.
      dictionary: element.kind === 'dictionary',
      convert: element.kind === 'dictionary' ? `${dictReader(element.def)}(v, where.index(i), keys)` : fromJs(element, 'v', 'where.index(i)'),
    };
  });
  const hostcalls = model.hostcalls.map(hostcallView);
  const classes = interfaces.map((i) => ({ name: i.name, member: i.member, file: i.file }));
  const exportsText = ['`GuestInstance`', ...interfaces.map((i) => `\`${i.name}\``), '`abi`', '`recordRoundTrip`', '`setErrorClass`', '`setRecordCodecs`'].join(', ');

  const files: GeneratedFile[] = [];
  const add = (file: string, template: string, view: object): void => {
    files.push({ path: file, content: render(template, { headerLine: line, ...view }) });
  };

  // The core API (plain C++).
  add('core_types.hpp', 'core_types.hpp', { interfaces, dictionaries, callbackPending: BLOCKING_CODES.CALLBACK_PENDING, aborted: BLOCKING_CODES.ABORTED });
  add('guest_instance_core.hpp', 'guest_instance_core.hpp', { module: model.abi.module, hostcalls });
  for (const i of interfaces) add(`${i.file}_core.hpp`, 'interface_core.hpp', i);

  // The glue.
  add('addon_data.hpp', 'addon_data.hpp', { classes: [{ name: 'GuestInstance', member: 'guest_instance' }, ...classes] });
  for (const f of ['convert', 'errors', 'memory', 'wasm_memory']) {
    add(`${f}.hpp`, `${f}.hpp`, {});
    add(`${f}.cc`, `${f}.cc`, {});
  }
  add('completion.hpp', 'completion.hpp', {});
  add('wrap.hpp', 'wrap.hpp', {});
  const { results, resultArrays } = returnedTypes(model);
  add('dictionaries.hpp', 'dictionaries.hpp', { dictionaries, arrays, results, resultArrays });
  add('dictionaries.cc', 'dictionaries.cc', { dictionaries, arrays, keys, includes: classFiles, results, resultArrays });
  add('guest_instance.hpp', 'guest_instance.hpp', { module: model.abi.module, hostcalls, tag: typeTag('GuestInstance') });
  add('guest_instance.cc', 'guest_instance.cc', { hostcalls });
  for (const i of interfaces) {
    add(`${i.file}.hpp`, 'interface.hpp', i);
    add(`${i.file}.cc`, 'interface.cc', { ...i, includes: classFiles.filter((f) => f !== i.file) });
  }
  add('abi.hpp', 'abi.hpp', {});
  add('abi.cc', 'abi.cc', abiView(model));
  add('module.hpp', 'module.hpp', { exports: exportsText });
  add('module.cc', 'module.cc', { classes });
  return files.sort((a, b) => (a.path < b.path ? -1 : 1));
}
