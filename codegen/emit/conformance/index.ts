import type { GeneratedFile, Model } from '../../model';
export function emitConformance(_model: Model): GeneratedFile[] {
  return [];
}
