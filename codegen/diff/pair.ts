/**
 * Matching the items of two versions by identity.
 *
 * Items pair first by their primary key (a hostcall's import name, an enum value's name).
 * What is left pairs by each secondary key in turn (an enum value's number, a record's C
 * name), but only where the key is unique on both sides, so a guess is never ambiguous. A
 * secondary pair is how renames are found; the comparisons decide what a rename means.
 */

export interface Pairing<T> {
  /** Pairs in the order of the new items; `by` is 0 for the primary key, i for secondary key i. */
  matched: Array<{ old: T; new: T; by: number }>;
  /** Old items with no partner, in old order. */
  removed: T[];
  /** New items with no partner, in new order. */
  added: T[];
}

export type Key<T> = (item: T) => string | undefined;

export function pair<T>(olds: readonly T[], news: readonly T[], primary: Key<T>, ...secondary: Key<T>[]): Pairing<T> {
  const matchedNew = new Map<T, { old: T; by: number }>();
  const matchedOld = new Set<T>();
  const keys = [primary, ...secondary];
  keys.forEach((key, by) => {
    const leftOld = olds.filter((o) => !matchedOld.has(o));
    const leftNew = news.filter((n) => !matchedNew.has(n));
    const index = (items: T[]): Map<string, T | null> => {
      const m = new Map<string, T | null>();
      for (const it of items) {
        const k = key(it);
        if (k === undefined) continue;
        m.set(k, m.has(k) ? null : it);
      }
      return m;
    };
    const oldByKey = index(leftOld);
    const newByKey = index(leftNew);
    for (const [k, n] of newByKey) {
      const o = oldByKey.get(k);
      if (n && o) {
        matchedNew.set(n, { old: o, by });
        matchedOld.add(o);
      }
    }
  });
  return {
    matched: news.filter((n) => matchedNew.has(n)).map((n) => ({ old: matchedNew.get(n)!.old, new: n, by: matchedNew.get(n)!.by })),
    removed: olds.filter((o) => !matchedOld.has(o)),
    added: news.filter((n) => !matchedNew.has(n)),
  };
}
