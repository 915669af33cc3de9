/**
 * IDL variants for the diff tests, built at test time from the real `idl/`: copy it, apply
 * one edit to the parsed YAML, write back only the files that changed. The cases therefore
 * follow the IDL as it evolves instead of rotting as copied fixtures would, and an edit that
 * no longer applies (an item that was renamed or removed) throws, naming what it looked for.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse, stringify } from 'yaml';
import { ROOT, tmpDir } from '../helpers/toolchain';

export const IDL = path.join(ROOT, 'idl');

const scratchDirs: string[] = [];
process.once('exit', () => {
  for (const d of scratchDirs) fs.rmSync(d, { recursive: true, force: true });
});

/** A fresh temporary folder, removed when the test process exits. */
export function scratch(prefix: string): string {
  const dir = tmpDir(prefix);
  scratchDirs.push(dir);
  return dir;
}

// YAML documents are untyped: edits reach into them freely.
export type Obj = Record<string, any>;

export type Section = 'constants' | 'enums' | 'flags' | 'records' | 'hostcalls' | 'dictionaries' | 'interfaces';

interface Doc {
  file: string;
  text: string;
  data: Obj;
}

/** The parsed IDL files of one copy, with lookups by item name. */
export class IdlEdit {
  private readonly docs: Doc[];

  constructor(readonly dir: string) {
    this.docs = fs
      .readdirSync(dir)
      .filter((f) => /\.ya?ml$/.test(f))
      .sort()
      .map((file) => {
        const text = fs.readFileSync(path.join(dir, file), 'utf8');
        return { file, text, data: parse(text) as Obj };
      });
  }

  private where(section: Section, name: string): { list: Obj[]; index: number } {
    for (const d of this.docs) {
      const list = d.data[section] as Obj[] | undefined;
      const index = list ? list.findIndex((x) => x.name === name) : -1;
      if (list && index >= 0) return { list, index };
    }
    throw new Error(`variant: no ${section} item named '${name}' in ${this.dir}`);
  }

  /** The item `name` of `section`, to mutate in place. */
  item(section: Section, name: string): Obj {
    const { list, index } = this.where(section, name);
    return list[index];
  }

  /** A named element of a list inside an item (`values`, `bits`, `fields`, `params`, `methods`). */
  member(section: Section, name: string, key: string, member: string): Obj {
    const list = this.item(section, name)[key] as Obj[] | undefined;
    const found = list?.find((x) => x.name === member);
    if (!found) throw new Error(`variant: ${section}/${name} has no ${key} entry '${member}'`);
    return found;
  }

  remove(section: Section, name: string): void {
    const { list, index } = this.where(section, name);
    list.splice(index, 1);
  }

  /** Append `item` to `section` in the file that holds `near` (an item of that section). */
  add(section: Section, near: string, item: Obj): void {
    this.where(section, near).list.push(item);
  }

  abi(): Obj {
    return this.docs.find((d) => d.data.abi)!.data.abi as Obj;
  }

  /** The `protocols` entry `name`, to mutate in place. */
  protocol(name: string): Obj {
    for (const d of this.docs) {
      const found = (d.data.protocols as Obj[] | undefined)?.find((p) => p.name === name);
      if (found) return found;
    }
    throw new Error(`variant: no protocol '${name}' in ${this.dir}`);
  }

  /** Add a `protocols` entry to the file that declares `near` (another protocol). */
  addProtocol(near: string, entry: Obj): void {
    const d = this.docs.find((x) => (x.data.protocols as Obj[] | undefined)?.some((p) => p.name === near));
    if (!d) throw new Error(`variant: no protocol '${near}' in ${this.dir}`);
    (d.data.protocols as Obj[]).push(entry);
  }

  /** Remove the `protocols` entry `name`. */
  removeProtocol(name: string): void {
    for (const d of this.docs) {
      const list = d.data.protocols as Obj[] | undefined;
      const i = list ? list.findIndex((p) => p.name === name) : -1;
      if (list && i >= 0) {
        list.splice(i, 1);
        return;
      }
    }
    throw new Error(`variant: no protocol '${name}' in ${this.dir}`);
  }

  errno(name: string): Obj {
    const codes = this.docs.find((d) => d.data.errno)!.data.errno.codes as Obj[];
    const e = codes.find((c) => c.name === name);
    if (!e) throw new Error(`variant: no errno '${name}'`);
    return e;
  }

  /** Rename an errno in the table, its aliases and every errors list. */
  renameErrno(from: string, to: string): void {
    this.errno(from).name = to;
    const visit = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(visit);
      else if (v && typeof v === 'object') {
        const o = v as Obj;
        if (Array.isArray(o.errors)) o.errors = o.errors.map((e: string) => (e === from ? to : e));
        if (o.errno === from) o.errno = to;
        Object.values(o).forEach(visit);
      }
    };
    for (const d of this.docs) visit(d.data);
  }

  /** Write back every file whose content changed. */
  save(): void {
    for (const d of this.docs) {
      if (JSON.stringify(parse(d.text)) !== JSON.stringify(d.data)) fs.writeFileSync(path.join(this.dir, d.file), stringify(d.data));
    }
  }
}

/** Copy `from` (default: the real IDL) into a fresh folder and apply `edit`; returns the folder. */
export function variant(edit: (idl: IdlEdit) => void, from = IDL): string {
  const dir = path.join(scratch('diff'), 'idl');
  fs.cpSync(from, dir, { recursive: true });
  const e = new IdlEdit(dir);
  edit(e);
  e.save();
  return dir;
}

/** Set the ABI version of a variant. */
export const version = (v: string) => (idl: IdlEdit): void => {
  idl.abi().version = v;
};

/** The version of the real IDL, so expectations follow it as it is bumped. */
export function baseVersion(): { major: number; minor: number; patch: number; text: string } {
  const abi = new IdlEdit(IDL).abi();
  const [major, minor, patch] = String(abi.version).split('.').map(Number);
  return { major, minor, patch, text: String(abi.version) };
}

/** The version of a protocol of the real IDL. */
export function baseProtocolVersion(name: string): { major: number; minor: number; patch: number; text: string } {
  const text = String(new IdlEdit(IDL).protocol(name).version);
  const [major, minor, patch] = text.split('.').map(Number);
  return { major, minor, patch, text };
}

/** Set the version of protocol `name` in a variant. */
export const protocolVersion = (name: string, v: string) => (idl: IdlEdit): void => {
  idl.protocol(name).version = v;
};

/** Bump the major (x+1.0.0) or the minor (x.y+1.0) version of a variant of the real IDL. */
export const bumpMajor = (idl: IdlEdit): void => version(`${baseVersion().major + 1}.0.0`)(idl);
export const bumpMinor = (idl: IdlEdit): void => version(`${baseVersion().major}.${baseVersion().minor + 1}.0`)(idl);

/** Apply several edits in order. */
export const all = (...edits: Array<(idl: IdlEdit) => void>) => (idl: IdlEdit): void => {
  for (const e of edits) e(idl);
};
