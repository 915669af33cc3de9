/**
 * The TypeScript back end: `generated/ts/`. One module per emitted file, each described as
 * declaration structures, printed and laid out by `project.ts` and `format.ts`, so the same
 * model always gives the same text.
 */
import type { GeneratedFile, Model } from '../../model';
import { emitIndexFile } from './barrel';
import { emitConstantsFile } from './constants';
import { emitErrnoFile } from './errno';
import { emitHostcallsFile } from './hostcalls';
import { createProject } from './project';
import { emitRecordsFile } from './records';
import { emitSdkFile } from './sdk';

export function emitTs(model: Model): GeneratedFile[] {
  const project = createProject();
  return [
    emitErrnoFile(project, model),
    emitConstantsFile(project, model),
    emitRecordsFile(project, model),
    emitHostcallsFile(project, model),
    emitSdkFile(project, model),
    emitIndexFile(project),
  ];
}
