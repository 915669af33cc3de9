/**
 * What every comparison shares: the two models, the pairing of their named types and errnos
 * (so a renamed enum or errno is still recognised where it is used), and the change list.
 */
import type { EnumDef, Errno, FlagsDef, Model, RecordDef } from '../model';
import { Changes } from './change';
import { pair, type Pairing } from './pair';

export interface DiffContext {
  old: Model;
  new: Model;
  out: Changes;
  errnos: Pairing<Errno>;
  enums: Pairing<EnumDef>;
  flags: Pairing<FlagsDef>;
  records: Pairing<RecordDef>;
  /** Old name -> new name of every paired errno and named type (identity when unchanged). */
  renamed: {
    errno: Map<string, string>;
    type: Map<string, string>;
  };
}

const names = <T extends { name: string }>(p: Pairing<T>): Array<[string, string]> => p.matched.map((m) => [m.old.name, m.new.name]);

export function createContext(oldModel: Model, newModel: Model): DiffContext {
  // errnos: by name, else by number (a rename). Enums and flags: by name, else by C prefix.
  // Records: by name, else by C name.
  const errnos = pair(oldModel.errnos, newModel.errnos, (e) => e.name, (e) => String(e.value));
  const enums = pair(oldModel.enums, newModel.enums, (e) => e.name, (e) => e.cPrefix);
  const flags = pair(oldModel.flags, newModel.flags, (f) => f.name, (f) => f.cPrefix);
  const records = pair(oldModel.records, newModel.records, (r) => r.name, (r) => r.cName);
  return {
    old: oldModel,
    new: newModel,
    out: new Changes(),
    errnos,
    enums,
    flags,
    records,
    renamed: {
      errno: new Map(names(errnos)),
      type: new Map([...names(enums), ...names(flags), ...names(records)]),
    },
  };
}

/** The new name of an old type (its own name when it was not renamed or is gone). */
export function newTypeName(ctx: DiffContext, oldName: string): string {
  return ctx.renamed.type.get(oldName) ?? oldName;
}

/** The new name of an old errno. */
export function newErrnoName(ctx: DiffContext, oldName: string): string {
  return ctx.renamed.errno.get(oldName) ?? oldName;
}
