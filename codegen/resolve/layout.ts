/** Record layout: size, alignment and the offset of every field, computed once here. */
import type { FieldType, RecordField } from '../model';

export function typeLayout(t: FieldType): { size: number; align: number } {
  switch (t.kind) {
    case 'int':
      return { size: t.int.bytes, align: t.int.bytes };
    case 'enum':
    case 'flags':
      return { size: t.def.type.bytes, align: t.def.type.bytes };
    case 'record':
      return { size: t.def.size, align: t.def.align };
    case 'array': {
      const e = typeLayout(t.element);
      return { size: e.size * t.length, align: e.align };
    }
  }
}

const alignUp = (n: number, a: number): number => Math.ceil(n / a) * a;

/**
 * Lay out fields in order. `packed`: no padding, alignment 1 (C `__attribute__((packed))`).
 * `natural`: each field at a multiple of its alignment, the size a multiple of the largest
 * (the C ABI of wasm32 and x86-64 for these types).
 */
export function layoutFields(
  fields: Array<Omit<RecordField, 'offset' | 'size' | 'align'>>,
  layout: 'packed' | 'natural',
): { fields: RecordField[]; size: number; align: number } {
  let offset = 0;
  let maxAlign = 1;
  const out: RecordField[] = [];
  for (const f of fields) {
    const l = typeLayout(f.type);
    const align = layout === 'packed' ? 1 : l.align;
    offset = alignUp(offset, align);
    out.push({ ...f, offset, size: l.size, align });
    offset += l.size;
    maxAlign = Math.max(maxAlign, align);
  }
  return { fields: out, size: alignUp(offset, maxAlign), align: maxAlign };
}
