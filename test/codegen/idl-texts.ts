/** The IDL as texts in memory, run through the generator in-process (no files, no process). */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatDiagnostic, IdlError, type Diagnostic } from '../../codegen/diagnostics';
import { parseSource, type SourceFile } from '../../codegen/load';
import type { Model } from '../../codegen/model';
import { buildModelFrom } from '../../codegen/pipeline';
import { ROOT } from '../helpers/toolchain';
/** The IDL as texts by file name (`abi.yaml`, ...). */
export type IdlTexts = Record<string, string>;

export const IDL_DIR = path.join(ROOT, 'idl');

/** The text of every IDL file of the real `idl/`, by file name. */
export function readIdlTexts(): IdlTexts {
  const out: IdlTexts = {};
  for (const f of fs.readdirSync(IDL_DIR).sort()) {
    if (/\.ya?ml$/.test(f)) out[f] = fs.readFileSync(path.join(IDL_DIR, f), 'utf8');
  }
  return out;
}

/**
 * `texts` with `edits` applied (file -> [from, to] replacements). Every `from` must occur, so an
 * edit that no longer applies fails loudly instead of testing nothing.
 */
export function editTexts(texts: IdlTexts, edits: Record<string, Array<[string | RegExp, string]>>): IdlTexts {
  const out = { ...texts };
  for (const [file, subs] of Object.entries(edits)) {
    let text = out[file];
    if (text === undefined) throw new Error(`no IDL file ${file}`);
    for (const [from, to] of subs) {
      const next = text.replace(from, to);
      if (next === text) throw new Error(`edit of ${file} did not apply: ${String(from)}`);
      text = next;
    }
    out[file] = text;
  }
  return out;
}

/** The 1-based line of the first line of `file` that contains `marker`. */
export function lineOf(texts: IdlTexts, file: string, marker: string): number {
  const i = texts[file].split('\n').findIndex((l) => l.includes(marker));
  if (i < 0) throw new Error(`no line of ${file} contains ${marker}`);
  return i + 1;
}

/**
 * Parses texts as the loader parses files (shown as `idl/<name>`). The texts of `base` are
 * parsed once and reused; any other text is parsed each time it comes (and then dropped).
 */
export class Sources {
  private readonly parsed = new Map<string, SourceFile>();

  constructor(base: IdlTexts = {}) {
    for (const [name, text] of Object.entries(base)) this.parsed.set(`${name}\0${text}`, parseSource(text, `idl/${name}`, name));
  }

  /** Every file parsed, or an IdlError with the problems of all of them. */
  of(texts: IdlTexts): SourceFile[] {
    const files: SourceFile[] = [];
    const diags: Diagnostic[] = [];
    for (const [name, text] of Object.entries(texts)) {
      const key = `${name}\0${text}`;
      let file = this.parsed.get(key);
      if (!file) {
        try {
          file = parseSource(text, `idl/${name}`, name);
        } catch (e) {
          if (e instanceof IdlError) {
            diags.push(...e.diagnostics);
            continue;
          }
          throw e;
        }
      }
      files.push(file);
    }
    if (diags.length) throw new IdlError(diags);
    return files;
  }

  model(texts: IdlTexts): Model {
    return buildModelFrom(this.of(texts));
  }
}

/** The problems the generator reports for `texts`, formatted as the CLI prints them; [] when they build. */
export function refusal(texts: IdlTexts, sources = new Sources()): string[] {
  try {
    sources.model(texts);
    return [];
  } catch (e) {
    if (e instanceof IdlError) return e.diagnostics.map(formatDiagnostic);
    throw e;
  }
}
