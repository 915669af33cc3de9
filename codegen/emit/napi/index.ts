import type { GeneratedFile, Model } from '../../model';
export function emitNapi(_model: Model): GeneratedFile[] {
  return [];
}
