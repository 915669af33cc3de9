import type { GeneratedFile, Model } from '../../model';
export function emitC(_model: Model): GeneratedFile[] {
  return [];
}
