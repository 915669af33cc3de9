/** The `hostwire` command line. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ABI, PROTOCOLS } from '../generated/ts/constants';
import { GENERATOR_PACKAGES, MissingPackageError, requirePackages } from './optional';

const USAGE = `usage: hostwire <command> [options]

commands:
  run [options] GUEST.wasm [ARGS...]            run a wasm32-wasi guest; exits with its exit code
  generate [--idl PATH] [--out DIR] [--check]   generate every binding from the IDL
  diff OLD NEW [--json]                         classify the ABI changes from OLD to NEW
                                                (IDL paths or git:REF[:PATH])
  help [COMMAND]                                this text, or a command's options

options:
  -V, --version                                 print the versions of hostwire, its ABI and protocols`;

const COMMANDS = ['run', 'generate', 'diff'] as const;

/** `hostwire 0.1.0 (ABI spear 1.10.0, transfer protocol 2.1.0)`: the package's version and what it speaks. */
export function versionText(): string {
  const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string };
  const protocols = Object.values(PROTOCOLS).map((p) => `${p.name} protocol ${p.version}`);
  return `hostwire ${pkg.version} (ABI ${ABI.name} ${ABI.version}${protocols.map((p) => `, ${p}`).join('')})`;
}

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case 'generate': {
      // Loaded on demand: the generator's dependencies are not needed to host guests.
      if (!generatorInstalled('hostwire generate')) return 2;
      const { generateMain } = await import('../codegen/cli');
      return generateMain(rest);
    }
    case 'diff': {
      if (!generatorInstalled('hostwire diff')) return 2;
      const { diffMain } = await import('../codegen/diff/cli');
      return diffMain(rest);
    }
    case 'run': {
      // Loaded on demand: the guest host needs the native addon, the generator does not.
      const { runMain } = await import('./guest/cli-run');
      return runMain(rest);
    }
    case '-V':
    case '--version':
      console.log(versionText());
      return 0;
    case 'help': {
      const [topic, ...extra] = rest;
      if (topic === undefined) {
        console.log(USAGE);
        return 0;
      }
      if (extra.length > 0 || !(COMMANDS as readonly string[]).includes(topic)) {
        console.error(`hostwire help: ${extra.length > 0 ? 'expected one command' : `unknown command '${topic}'`}; the commands are ${COMMANDS.join(', ')}`);
        return 2;
      }
      return main([topic, '--help']);
    }
    case undefined:
      console.error(USAGE);
      return 2;
    case '--help':
    case '-h':
      console.log(USAGE);
      return 0;
    default:
      console.error(`hostwire: unknown command '${cmd}'\n${USAGE}`);
      return 2;
  }
}

/** Whether the generator's packages (optional peer dependencies) are installed; prints what to install when not. */
function generatorInstalled(command: string): boolean {
  try {
    requirePackages(command, GENERATOR_PACKAGES);
    return true;
  } catch (e) {
    if (!(e instanceof MissingPackageError)) throw e;
    console.error(e.message);
    return false;
  }
}
