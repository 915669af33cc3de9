/** `hostwire generate [--idl PATH] [--out DIR] [--check]` */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { formatDiagnostic, IdlError } from './diagnostics';
import { buildModel } from './frontend';
import type { GeneratedFile } from './model';
import { checkFiles, writeFiles } from './write';

/** The back ends (handlebars templates and the TypeScript printer), loaded once the IDL validates: a broken IDL is reported without them. */
const emitAll = (...args: Parameters<typeof import('./pipeline').emitAll>): GeneratedFile[] =>
  (require('./pipeline') as typeof import('./pipeline')).emitAll(...args);

export const GENERATE_USAGE = `usage: hostwire generate [--idl PATH] [--out DIR] [--check]

  --idl PATH   IDL file or folder (default: ./idl)
  --out DIR    output folder (default: ./generated)
  --check      write nothing; exit 1 and name every file that differs from the IDL`;

/** The generated folders the native addon is compiled from. */
const NATIVE_SOURCES = ['cpp/', 'napi/'];

/** Run the generate command; returns the process exit code (0 ok, 1 drift, 2 bad input). */
export function generateMain(argv: string[], out: (s: string) => void = console.log, err: (s: string) => void = console.error): number {
  let args;
  try {
    args = parseArgs({
      args: argv,
      options: { idl: { type: 'string' }, out: { type: 'string' }, check: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (e) {
    err(`hostwire generate: ${(e as Error).message}\n${GENERATE_USAGE}`);
    return 2;
  }
  if (args.help) {
    out(GENERATE_USAGE);
    return 0;
  }
  const idl = path.resolve(args.idl ?? 'idl');
  const outDir = path.resolve(args.out ?? 'generated');
  if (args.idl === undefined && !fs.existsSync(idl)) {
    err(`hostwire generate: no IDL to read: ${process.cwd()} has no idl/ folder; pass --idl PATH (an IDL file or a folder of them)\n${GENERATE_USAGE}`);
    return 2;
  }
  let files;
  try {
    files = emitAll(buildModel(idl));
  } catch (e) {
    if (e instanceof IdlError) {
      for (const d of e.diagnostics) err(formatDiagnostic(d));
      err(`hostwire generate: ${e.diagnostics.length} problem${e.diagnostics.length === 1 ? '' : 's'} in the IDL; nothing written`);
      return 2;
    }
    throw e;
  }
  const shownOut = path.relative(process.cwd(), outDir) || '.';
  if (args.check) {
    const drift = checkFiles(outDir, files);
    if (drift.length === 0) {
      out(`hostwire generate --check: ${files.length} files in ${shownOut} match the IDL`);
      return 0;
    }
    for (const d of drift) err(`drift: ${path.join(shownOut, d.path)} (${d.reason})`);
    err(`hostwire generate --check: ${drift.length} file${drift.length === 1 ? '' : 's'} differ from the IDL; run \`npm run generate\``);
    return 1;
  }
  const { written, removed } = writeFiles(outDir, files);
  for (const p of written) out(`wrote ${path.join(shownOut, p)}`);
  for (const p of removed) out(`removed ${path.join(shownOut, p)}`);
  out(`hostwire generate: ${files.length} files, ${written.length} written, ${removed.length} removed`);
  const native = [...written, ...removed].filter((p) => NATIVE_SOURCES.some((dir) => p.startsWith(dir)));
  // Only where an addon is built from them: beside native/ (a hostwire checkout or package).
  if (native.length > 0 && fs.existsSync(path.join(outDir, '..', 'native', 'CMakeLists.txt'))) {
    out(
      `hostwire generate: ${native.length} source${native.length === 1 ? '' : 's'} of the native addon changed (${shownOut}/cpp, ${shownOut}/napi); ` +
        'an addon built before is stale until rebuilt: `npm run build:native` in a hostwire checkout (`npm run generate` rebuilds it itself)',
    );
  }
  return 0;
}
