import type { GeneratedFile, Model } from '../../model';
export function emitDocs(_model: Model): GeneratedFile[] {
  return [];
}
