/** `index.ts`: re-exports every generated module. */
import type { GeneratedFile } from '../../model';
import { createFile, finish, type Project } from './project';

/** The modules `index.ts` re-exports, in order. */
export const MODULES = ['errno', 'constants', 'records', 'hostcalls', 'sdk'] as const;

export function emitIndexFile(project: Project): GeneratedFile {
  const sf = createFile(project, 'index.ts', 'The generated TypeScript bindings of the ABI.');
  for (const m of MODULES) sf.addExportDeclaration({ moduleSpecifier: `./${m}` });
  return finish(sf);
}
