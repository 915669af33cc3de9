/**
 * Seeded mutations of the real IDL for the generator's fuzz test: each takes the text of every
 * IDL file and returns new texts with one change a careless or hostile edit could make (a value
 * of the wrong type, an absurd size, an alias bomb, a default that does not fit its type, names
 * that collide once cased for a target language, an item that is gone, ...).
 *
 * Everything is derived from the seed: the same seed gives the same mutations, in the same order.
 */
import { isMap, isSeq, parse, parseDocument, type Node as YamlNode } from 'yaml';
import type { IdlTexts } from './idl-texts';

/** mulberry32: a small, fast PRNG whose whole state is one 32-bit word. */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** An integer in [0, n). */
  below(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[this.below(items.length)];
  }
}

export interface Mutation {
  /** The operator and what it did, for the failure message: `badDefault dictionaries/0/fields/6/default = -3 (transfer.yaml)`. */
  what: string;
  texts: IdlTexts;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Path = Array<string | number>;

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

/** Every path under `v` (not the root), with the value there. */
function walk(v: Json, path: Path = [], out: Array<{ path: Path; value: Json }> = []): Array<{ path: Path; value: Json }> {
  if (Array.isArray(v)) v.forEach((x, i) => (out.push({ path: [...path, i], value: x }), walk(x, [...path, i], out)));
  else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) out.push({ path: [...path, k], value: x }), walk(x, [...path, k], out);
  return out;
}

function getAt(root: Json, path: Path): Json {
  let cur: Json = root;
  for (const seg of path) cur = (cur as Record<string | number, Json>)[seg];
  return cur;
}

function setAt(root: Json, path: Path, value: Json | undefined): void {
  const parent = getAt(root, path.slice(0, -1)) as Record<string | number, Json> | Json[];
  const last = path[path.length - 1];
  if (value === undefined) {
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else delete (parent as Record<string, Json>)[last];
  } else (parent as Record<string | number, Json>)[last] = value;
}

const show = (path: Path): string => path.join('/');
const shortJson = (v: unknown): string => {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
};

const isInt = (v: Json): boolean => (typeof v === 'number' && Number.isInteger(v)) || (typeof v === 'string' && /^-?(0x[0-9a-fA-F]+|[0-9]+)$/.test(v));

/** Values of every JSON type, and strings that look like IDL types. */
const WRONG_VALUES: Json[] = [7, -1, 0, 1.5, 'x', '', true, false, null, [], {}, [1, 2], { a: 1 }, 'u64[100000000]', 'EIO', 'status', 'spear.h'];
const ABSURD_INTS: Json[] = [-3, -1, 0, 1, 31, 32, 63, 64, 255, 256, 65536, 2 ** 31, 2 ** 32, 2 ** 40, 2 ** 53, -(2 ** 63), 1e21, 100000000, '0xffffffffffffffffff', '-0x8000000000000001', '18446744073709551616', '9007199254740993'];
const ARRAY_LENGTHS = [1, 2, 3, 8, 255, 4096, 65535, 65536, 100000, 100000000, 4294967296, 99999999999999999999];
const DEFAULTS: Json[] = [-3, 2 ** 40, 0, -1, 1, 4294967295, 4294967296, 2 ** 53, '5', 'u64[100000000]', '0x10', true, false, null, [], {}, 1.5, '', 'auto'];
const RESERVED_NAMES = ['__proto__', 'constructor', 'prototype', 'toString', 'class', 'default', 'delete', 'new', 'this', 'int', 'struct', 'errno', 'result', 'memory', 'env', 'Napi', 'std', 'void', 'bool', 'string', 'i32', 'u64[2]', '_', 'a__b'];

const camelCase = (s: string): string => s.replace(/_+([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
const pascalCase = (s: string): string => camelCase(s).replace(/^[a-z]/, (c) => c.toUpperCase());
/** Spellings of `name` that a case conversion may map onto the same identifier. */
const collisions = (name: string): string[] => [camelCase(name), pascalCase(name), name.toUpperCase(), name.toLowerCase(), `${name}_`, `_${name}`, name.replace(/_/g, '__'), name.replace(/_/g, '')];

/** Lists of named items, whose names share a namespace in some back end. */
const NAMED_LISTS = /^(constants|enums|flags|records|hostcalls|dictionaries|interfaces|protocols|values|bits|fields|params|methods|aliases|codes)$/;

/** The mutated file as JSON (which is YAML too, and much quicker to write than block YAML). */
function textOf(data: Json): string {
  return `${JSON.stringify(data, null, 1)}\n`;
}

interface Ctx {
  rng: Rng;
  /** The parsed data of every file. */
  data: Record<string, Json>;
  /** Every path of every file, with its value (never changed: mutations edit copies). */
  paths: Array<{ file: string; path: Path; value: Json }>;
  texts: IdlTexts;
}

type Operator = (c: Ctx) => Mutation | undefined;

/** Replace the value at one path of one file. */
function edit(c: Ctx, file: string, path: Path, value: Json | undefined, op: string): Mutation {
  const data = clone(c.data[file]);
  setAt(data, path, value);
  const what = value === undefined ? `${op} delete ${show(path)} (${file})` : `${op} ${show(path)} = ${shortJson(value)} (${file})`;
  return { what, texts: { ...c.texts, [file]: textOf(data) } };
}

/** A random path of a random file whose value passes `test`. */
function pickPath(c: Ctx, test: (value: Json, path: Path) => boolean): { file: string; path: Path; value: Json } | undefined {
  const all = c.paths.filter((e) => test(e.value, e.path));
  return all.length ? c.rng.pick(all) : undefined;
}

const lastKey = (path: Path): string | number => path[path.length - 1];

const OPERATORS: Record<string, Operator> = {
  /** Any value replaced by a value of another JSON type. */
  wrongType(c) {
    const at = pickPath(c, () => true)!;
    return edit(c, at.file, at.path, c.rng.pick(WRONG_VALUES.filter((v) => JSON.stringify(v) !== JSON.stringify(at.value))), 'wrongType');
  },
  /** An integer replaced by one at or past the edges of the integer types. */
  absurdNumber(c) {
    const at = pickPath(c, (v) => isInt(v));
    return at && edit(c, at.file, at.path, c.rng.pick(ABSURD_INTS), 'absurdNumber');
  },
  /** A record field (or a record's field type) turned into an array of absurd length. */
  arraySize(c) {
    const at = pickPath(c, (v, p) => p.length === 5 && p[0] === 'records' && p[2] === 'fields' && p[4] === 'type' && typeof v === 'string');
    if (!at) return undefined;
    const base = String(at.value).replace(/\[\d+\]$/, '');
    const element = c.rng.below(3) === 0 ? c.rng.pick(['u8', 'u64', 'i32', 'conn_info', 'conn_addr', 'ssf_v1_wire_header', 'epoll_event']) : base;
    return edit(c, at.file, at.path, `${element}[${String(c.rng.pick(ARRAY_LENGTHS))}]`, 'arraySize');
  },
  /** A dictionary field's default replaced by one that may not fit its type or range. */
  badDefault(c) {
    const at = pickPath(c, (_v, p) => p.length === 4 && p[0] === 'dictionaries' && p[2] === 'fields');
    if (!at) return undefined;
    const field = at.value as Record<string, Json>;
    const range = Array.isArray(field.range) ? (field.range as Json[]) : undefined;
    const near = range ? [Number(range[0]) - 1, Number(range[1]) + 1, range[0], range[1]] : [];
    return edit(c, at.file, [...at.path, 'default'], c.rng.pick([...DEFAULTS, ...near] as Json[]), 'badDefault');
  },
  /** An item renamed to a spelling of another item's name in the same list, or to a reserved word. */
  caseCollision(c) {
    const at = pickPath(c, (v, p) => Array.isArray(v) && v.length > 0 && NAMED_LISTS.test(String(lastKey(p))) && (v as Json[]).every((x) => x !== null && typeof x === 'object' && 'name' in (x as object)));
    if (!at) return undefined;
    const items = at.value as Array<Record<string, Json>>;
    const i = c.rng.below(items.length);
    // Another item's name when there is one: a variant of its own name collides with nothing.
    const j = items.length > 1 ? (i + 1 + c.rng.below(items.length - 1)) % items.length : i;
    const other = String(items[j].name);
    const name = c.rng.below(4) === 0 ? c.rng.pick(RESERVED_NAMES) : c.rng.pick(collisions(other));
    return edit(c, at.file, [...at.path, i, 'name'], name, 'caseCollision');
  },
  /** One element of a list removed (an item, a value, a field, a parameter, an errno). */
  deleteItem(c) {
    const at = pickPath(c, (_v, p) => typeof lastKey(p) === 'number');
    return at && edit(c, at.file, at.path, undefined, 'deleteItem');
  },
  /** One element of a list written twice. */
  duplicateItem(c) {
    const at = pickPath(c, (_v, p) => typeof lastKey(p) === 'number');
    if (!at) return undefined;
    const list = clone(getAt(c.data[at.file], at.path.slice(0, -1))) as Json[];
    list.splice(Number(lastKey(at.path)), 0, clone(at.value));
    return edit(c, at.file, at.path.slice(0, -1), list, 'duplicateItem');
  },
  /** One key of a mapping removed. */
  deleteKey(c) {
    const at = pickPath(c, (_v, p) => typeof lastKey(p) === 'string');
    return at && edit(c, at.file, at.path, undefined, 'deleteKey');
  },
  /** A type or name reference pointed at another name the IDL declares, or a built-in. */
  swapReference(c) {
    const names = c.paths.filter((e) => lastKey(e.path) === 'name' && typeof e.value === 'string').map((e) => e.value as string);
    const builtins = ['fd', 'fn_index', 'in_bytes', 'in_string', 'out_bytes', 'ctl_arg', 'bool', 'string', 'bytes', 'memory', 'abort_signal', 'void', 'u8', 'i64', 'u64', 'string[]', 'u8[4]'];
    const at = pickPath(c, (v, p) => typeof v === 'string' && ['type', 'record', 'commands', 'of', 'returns', 'errno', 'protocol'].includes(String(lastKey(p))));
    return at && edit(c, at.file, at.path, c.rng.pick([...names, ...builtins]), 'swapReference');
  },
  /** A hostcall's result kind changed, or an output parameter added to it. */
  hostcallShape(c) {
    const at = pickPath(c, (_v, p) => p.length === 2 && p[0] === 'hostcalls');
    if (!at) return undefined;
    const h = clone(at.value) as Record<string, Json>;
    const params = Array.isArray(h.params) ? (h.params as Json[]) : [];
    switch (c.rng.below(3)) {
      case 0:
        h.returns = c.rng.pick<Json>([{ kind: 'fd' }, { kind: 'value', type: 'u32' }, { kind: 'value', type: 'i64' }, { kind: 'status' }, { kind: 'count' }, { kind: 'none' }, { kind: 'count', of: 'epoll_event' }]);
        break;
      case 1:
        params.push({ name: 'out2', type: 'out_bytes', doc: 'More room.' });
        h.params = params;
        break;
      default:
        params.push({ name: 'arg2', type: 'ctl_arg', commands: 'fd_ctl_cmd', doc: 'An argument.' });
        h.params = params;
    }
    if (c.rng.below(2) === 0) h.errors = ['EBADF', 'EFAULT', 'ENOSPC', 'EINVAL', 'ENOSYS'];
    return edit(c, at.file, at.path, h, 'hostcallShape');
  },
  /** A subtree copied over another place (a value of a structured wrong type). */
  copySubtree(c) {
    const from = pickPath(c, (v) => v !== null && typeof v === 'object')!;
    const to = pickPath(c, () => true)!;
    return edit(c, to.file, to.path, clone(from.value), 'copySubtree');
  },
  /** A whole file left out of the IDL. */
  dropFile(c) {
    const file = c.rng.pick(Object.keys(c.texts));
    const texts = { ...c.texts };
    delete texts[file];
    return { what: `dropFile ${file}`, texts };
  },
  /** YAML anchors and aliases: a bomb, an alias of no anchor, an alias inside its own node, or a harmless reuse. */
  aliases(c) {
    const file = c.rng.pick(Object.keys(c.texts));
    const doc = parseDocument(c.texts[file]);
    const nodes: Array<{ path: Path; node: YamlNode }> = [];
    const collect = (node: unknown, path: Path): void => {
      if (isMap(node)) for (const pair of node.items) collect(pair.value, [...path, String((pair.key as { value?: unknown }).value)]);
      else if (isSeq(node)) node.items.forEach((n, i) => collect(n, [...path, i]));
      if (path.length && node && typeof node === 'object') nodes.push({ path, node: node as YamlNode });
    };
    collect(doc.contents, []);
    const target = c.rng.pick(nodes);
    const kind = c.rng.below(4);
    let text: string;
    let what: string;
    if (kind === 0) {
      // The billion laughs: each level aliases the one before nine times.
      const levels = 3 + c.rng.below(5);
      const lines = ['x0: &x0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
      for (let i = 1; i <= levels; i++) lines.push(`x${i}: &x${i} [${Array(9).fill(`*x${i - 1}`).join(', ')}]`);
      text = `${lines.join('\n')}\n${c.texts[file]}`;
      what = `aliases bomb of ${levels} levels (${file})`;
    } else if (kind === 1) {
      text = c.texts[file].replace(/\n(\s+- \{ name: \w+)/, '\n$1, extra: *nowhere');
      if (text === c.texts[file]) text = `${c.texts[file]}\nextra: *nowhere\n`;
      what = `aliases alias of no anchor (${file})`;
    } else if (kind === 2) {
      text = `loop: &loop [1, *loop]\n${c.texts[file]}`;
      what = `aliases alias inside its own node (${file})`;
    } else {
      // A harmless reuse: another place takes the value of `target` through an alias.
      // The anchor must come first: an alias names the last anchor before it.
      const other = c.rng.pick(nodes);
      const start = (n: YamlNode): number => n.range?.[0] ?? 0;
      if (start(other.node) <= start(target.node) || show(other.path).startsWith(show(target.path))) return undefined;
      const alias = doc.createAlias(target.node as Parameters<typeof doc.createAlias>[0], 'a1');
      doc.setIn(other.path, alias);
      text = doc.toString({ lineWidth: 0 });
      what = `aliases ${show(other.path)} = *${show(target.path)} (${file})`;
    }
    return { what, texts: { ...c.texts, [file]: text } };
  },
};

/**
 * How often each operator runs, in a round of turns. The classes of breakage the generator
 * must refuse come often; the edits that mostly leave a valid IDL (a dropped file, a deleted
 * item), which cost a whole generation each, come less often.
 */
const WEIGHTS: Record<keyof typeof OPERATORS, number> = {
  wrongType: 4,
  absurdNumber: 3,
  arraySize: 2,
  badDefault: 3,
  caseCollision: 2,
  deleteItem: 1,
  duplicateItem: 1,
  deleteKey: 2,
  swapReference: 2,
  hostcallShape: 2,
  copySubtree: 2,
  dropFile: 1,
  aliases: 2,
};

/** The operators' turns: each name as often as its weight, spread over the round. */
export const TURNS: string[] = (() => {
  const names = Object.keys(WEIGHTS) as Array<keyof typeof OPERATORS>;
  const most = Math.max(...names.map((n) => WEIGHTS[n]));
  const turns: string[] = [];
  for (let k = 0; k < most; k++) for (const n of names) if (WEIGHTS[n] > k) turns.push(n);
  return turns;
})();

/**
 * `count` mutations of `texts` from `seed`, each with one change. Operators take turns (by
 * weight), so every operator gets its share however small `count` is; each mutation is new
 * (one that repeats an earlier one's texts is drawn again).
 */
export function mutations(texts: IdlTexts, seed: number, count: number): Mutation[] {
  const rng = new Rng(seed);
  const data: Record<string, Json> = Object.fromEntries(Object.entries(texts).map(([f, t]) => [f, parse(t) as Json]));
  const paths = Object.keys(data).flatMap((file) => walk(data[file]).map((e) => ({ file, ...e })));
  const ctx: Ctx = { rng, data, paths, texts };
  const out: Mutation[] = [];
  const seen = new Set<string>();
  for (let i = 0; out.length < count; i++) {
    const m = OPERATORS[TURNS[i % TURNS.length]](ctx);
    if (!m) continue;
    const key = Object.keys(texts)
      .filter((f) => m.texts[f] !== texts[f])
      .map((f) => `${f}\0${m.texts[f] ?? '(dropped)'}`)
      .join('\0');
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(m);
  }
  return out;
}
