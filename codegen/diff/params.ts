/**
 * Lining up two parameter lists. Parameters pair by name; when both lists have the same
 * length and every differing name is new on one side and gone on the other, they pair by
 * position instead (renames: parameters are positional in every binding).
 */

export interface Alignment<T> {
  pairs: Array<{ old: T; new: T; renamed: boolean }>;
  added: T[];
  removed: T[];
  /** Parameters present in both lists whose relative order changed. */
  reordered: boolean;
}

export function alignParams<T extends { name: string }>(olds: readonly T[], news: readonly T[]): Alignment<T> {
  const oldNames = new Set(olds.map((p) => p.name));
  const newNames = new Set(news.map((p) => p.name));
  const positional =
    olds.length === news.length && olds.every((o, i) => o.name === news[i].name || (!newNames.has(o.name) && !oldNames.has(news[i].name)));
  if (positional) {
    return { pairs: olds.map((o, i) => ({ old: o, new: news[i], renamed: o.name !== news[i].name })), added: [], removed: [], reordered: false };
  }
  const commonOld = olds.filter((o) => newNames.has(o.name)).map((o) => o.name);
  const commonNew = news.filter((n) => oldNames.has(n.name)).map((n) => n.name);
  return {
    pairs: news.filter((n) => oldNames.has(n.name)).map((n) => ({ old: olds.find((o) => o.name === n.name)!, new: n, renamed: false })),
    added: news.filter((n) => !oldNames.has(n.name)),
    removed: olds.filter((o) => !newNames.has(o.name)),
    reordered: commonOld.join(',') !== commonNew.join(','),
  };
}
