/** Stage 4: the back ends. Each turns the model into files under the output folder. */
import type { GeneratedFile, Model } from '../model';
import { emitC } from './c';
import { emitCpp } from './cpp';
import { emitNapi } from './napi';
import { emitTs } from './ts';
import { emitConformance } from './conformance';
import { emitDocs } from './docs';

export interface Backend {
  /** Folder under the output directory that the back end owns. */
  name: string;
  emit(model: Model): GeneratedFile[];
}

export const BACKENDS: Backend[] = [
  { name: 'c', emit: emitC },
  { name: 'cpp', emit: emitCpp },
  { name: 'napi', emit: emitNapi },
  { name: 'ts', emit: emitTs },
  { name: 'test', emit: emitConformance },
  { name: 'docs', emit: emitDocs },
];
