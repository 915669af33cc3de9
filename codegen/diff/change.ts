/**
 * One classified difference between two ABI models, and the list they are collected in.
 *
 * A change has a severity (what it does to guests and peers built against the old ABI) and a
 * category (what kind of edit it is). The two are independent: a removal is usually breaking,
 * but the removal of an error a call may return is safe.
 */

/** What a change does to code built against the old ABI, from worst to mildest. */
export const SEVERITIES = ['breaking', 'dangerous', 'source-only', 'safe'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** What kind of edit a change is. */
export const CATEGORIES = [
  'removal',
  'addition',
  'renumbering',
  'type-change',
  'layout-change',
  'signature-change',
  'constraint-change',
  'default-change',
  'rename',
  'doc-change',
] as const;
export type Category = (typeof CATEGORIES)[number];

export interface Change {
  severity: Severity;
  category: Category;
  /** The item by its IDL path: `hostcalls/spear_epoll_wait`, `records/epoll_event/fields/events`. */
  path: string;
  message: string;
}

const rank = (s: Severity): number => SEVERITIES.indexOf(s);
const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The deterministic order of a report: severity, then path, then category, then message. */
export function compareChanges(a: Change, b: Change): number {
  return rank(a.severity) - rank(b.severity) || cmp(a.path, b.path) || cmp(a.category, b.category) || cmp(a.message, b.message);
}

/** Collects the changes the comparisons find. */
export class Changes {
  private readonly list: Change[] = [];

  add(severity: Severity, category: Category, path: string, message: string): void {
    this.list.push({ severity, category, path, message });
  }

  breaking(category: Category, path: string, message: string): void {
    this.add('breaking', category, path, message);
  }

  dangerous(category: Category, path: string, message: string): void {
    this.add('dangerous', category, path, message);
  }

  sourceOnly(category: Category, path: string, message: string): void {
    this.add('source-only', category, path, message);
  }

  safe(category: Category, path: string, message: string): void {
    this.add('safe', category, path, message);
  }

  /** A doc string that changed: always safe. */
  doc(path: string, oldDoc: string, newDoc: string): void {
    if (oldDoc !== newDoc) this.safe('doc-change', `${path}/doc`, oldDoc === '' ? 'doc added' : newDoc === '' ? 'doc removed' : 'doc changed');
  }

  /** Every change, sorted, without duplicates. */
  sorted(): Change[] {
    const seen = new Set<string>();
    return [...this.list].sort(compareChanges).filter((c) => {
      const k = JSON.stringify(c);
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
  }
}

/** Count the changes of each severity. */
export function countBySeverity(changes: readonly Change[]): Record<Severity, number> {
  const out = { breaking: 0, dangerous: 0, 'source-only': 0, safe: 0 } as Record<Severity, number>;
  for (const c of changes) out[c.severity]++;
  return out;
}
