import type { GeneratedFile, Model } from '../../model';
export function emitCpp(_model: Model): GeneratedFile[] {
  return [];
}
