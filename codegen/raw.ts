/** The IDL as written, merged over its files: each item keeps where it came from. */
import type { SourceFile } from './load';
import { pointer } from './diagnostics';

export type RawObject = Record<string, unknown> & { name?: string };

export interface Located<T = RawObject> {
  item: T;
  file: SourceFile;
  /** JSON pointer of the item inside its file. */
  pointer: string;
}

export const LIST_SECTIONS = ['constants', 'enums', 'flags', 'records', 'hostcalls', 'dictionaries', 'interfaces'] as const;
export type ListSection = (typeof LIST_SECTIONS)[number];

export interface RawIdl {
  files: SourceFile[];
  abi?: Located;
  errno?: Located;
  /** The `protocols` entries of every file, in file order. */
  protocols: Located[];
  sections: Record<ListSection, Located[]>;
}

/** Merge the sections of every file; a section may be split over files. */
export function mergeFiles(files: SourceFile[]): RawIdl {
  const raw: RawIdl = {
    files,
    protocols: [],
    sections: { constants: [], enums: [], flags: [], records: [], hostcalls: [], dictionaries: [], interfaces: [] },
  };
  for (const file of files) {
    const d = file.data;
    if (d.abi && !raw.abi) raw.abi = { item: d.abi as RawObject, file, pointer: '/abi' };
    if (d.errno && !raw.errno) raw.errno = { item: d.errno as RawObject, file, pointer: '/errno' };
    if (Array.isArray(d.protocols)) {
      d.protocols.forEach((item, i) => raw.protocols.push({ item: item as RawObject, file, pointer: pointer('protocols', i) }));
    }
    for (const s of LIST_SECTIONS) {
      const list = d[s];
      if (Array.isArray(list)) {
        list.forEach((item, i) => raw.sections[s].push({ item: item as RawObject, file, pointer: pointer(s, i) }));
      }
    }
  }
  return raw;
}
