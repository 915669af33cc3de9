/** The errors a call may return, compared by errno (a renamed errno is the same error). */
import type { Errno } from '../model';
import { newErrnoName, type DiffContext } from './context';

/** `path` is the call (`hostcalls/log`, `interfaces/Session/methods/listen`). */
export function diffErrors(ctx: DiffContext, path: string, olds: readonly Errno[], news: readonly Errno[]): void {
  const { out } = ctx;
  const had = new Set(olds.map((e) => newErrnoName(ctx, e.name)));
  const has = new Set(news.map((e) => e.name));
  for (const e of news) {
    if (!had.has(e.name)) {
      out.dangerous('addition', `${path}/errors/${e.name}`, `may now fail with ${e.name} (${e.value}): callers built against the old ABI do not expect it`);
    }
  }
  for (const e of olds) {
    const now = newErrnoName(ctx, e.name);
    if (!has.has(now)) out.safe('removal', `${path}/errors/${e.name}`, `no longer fails with ${e.name}`);
  }
}
