/**
 * Protocols: the version domains apart from the ABI. The `protocols` list (entries added,
 * removed, their docs) and each item's membership (an item joining, leaving or moving
 * between protocols). A protocol's version is not a change: the verdict compares it
 * (`version.ts`).
 */
import type { Model } from '../model';
import type { DiffContext } from './context';
import { pair } from './pair';

/** The sections whose items may belong to a protocol. */
export const PROTOCOL_SECTIONS = ['constants', 'enums', 'records', 'dictionaries', 'interfaces'] as const;
type ProtocolSection = (typeof PROTOCOL_SECTIONS)[number];

type Member = { name: string; protocol?: string };

const items = (m: Model, section: ProtocolSection): Member[] => m[section];

export function diffProtocols(ctx: DiffContext): void {
  const { out } = ctx;
  const p = pair(ctx.old.protocols, ctx.new.protocols, (x) => x.name);
  for (const { old: a, new: b } of p.matched) out.doc(`protocols/${b.name}`, a.doc, b.doc);
  for (const x of p.removed) {
    out.sourceOnly(
      'removal',
      `protocols/${x.name}`,
      `protocol ${x.name} (${x.version.text}) removed: its version is no longer in the bindings (PROTOCOLS.${x.name}, its C++ version constants), so code that reads it must change`,
    );
  }
  for (const x of p.added) out.safe('addition', `protocols/${x.name}`, `protocol ${x.name} ${x.version.text} added: a version domain of its own`);

  // Membership, with items paired as their own comparisons pair them (renames included).
  const matched: Array<{ section: ProtocolSection; old: Member; new: Member }> = [
    ...pair(ctx.old.constants, ctx.new.constants, (c) => c.name, (c) => c.cName).matched.map((m) => ({ section: 'constants' as const, ...m })),
    ...ctx.enums.matched.map((m) => ({ section: 'enums' as const, ...m })),
    ...ctx.records.matched.map((m) => ({ section: 'records' as const, ...m })),
    ...pair(ctx.old.dictionaries, ctx.new.dictionaries, (d) => d.name).matched.map((m) => ({ section: 'dictionaries' as const, ...m })),
    ...pair(ctx.old.interfaces, ctx.new.interfaces, (i) => i.name).matched.map((m) => ({ section: 'interfaces' as const, ...m })),
  ];
  for (const { section, old: a, new: b } of matched) {
    if (a.protocol === b.protocol) continue;
    const path = `${section}/${b.name}/protocol`;
    if (a.protocol === undefined) {
      out.safe('addition', path, `joined protocol ${b.protocol}: versioned by ${b.protocol}'s version from now on, not by the ABI's`);
    } else if (b.protocol === undefined) {
      out.safe('removal', path, `left protocol ${a.protocol}: versioned by the ABI's version from now on`);
    } else {
      out.safe('addition', path, `moved from protocol ${a.protocol} to protocol ${b.protocol}: versioned by ${b.protocol}'s version from now on`);
    }
  }
}

/**
 * The domain a change belongs to: the protocol of the item its path names (looked up in NEW,
 * else in OLD; `records/conn_info/fields/x` belongs to `records/conn_info`), else the ABI
 * (`abi`). `protocols/P/...` belongs to P; the `protocols` list itself (`protocols/P`: a
 * protocol added or removed) to the ABI, whose bindings list the protocols.
 */
export function domainOf(path: string, oldModel: Model, newModel: Model): string | undefined {
  const [section, name, ...rest] = path.split('/');
  if (section === 'protocols') return rest.length > 0 ? name : undefined;
  if (!(PROTOCOL_SECTIONS as readonly string[]).includes(section)) return undefined;
  const find = (m: Model) => items(m, section as ProtocolSection).find((i) => i.name === name);
  const item = find(newModel) ?? find(oldModel);
  return item?.protocol;
}
