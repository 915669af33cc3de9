/** The `hostwire` command line. */
import { GENERATOR_PACKAGES, MissingPackageError, requirePackages } from './optional';

const USAGE = `usage: hostwire <command> [options]

commands:
  generate [--idl PATH] [--out DIR] [--check]   generate every binding from the IDL
  diff OLD NEW [--json]                         classify the ABI changes from OLD to NEW
                                                (IDL paths or git:REF[:PATH])
  run GUEST.wasm [--backend stub|openai] [--backend-url URL] [--model M] [--mcp-dir DIR] [-- ARGS...]
                                                run a wasm32-wasi guest; exits with its exit code
  help                                          this text`;

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
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      console.log(USAGE);
      return cmd === undefined ? 2 : 0;
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
