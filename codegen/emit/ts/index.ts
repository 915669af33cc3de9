import type { GeneratedFile, Model } from '../../model';
export function emitTs(_model: Model): GeneratedFile[] {
  return [];
}
