/** A minimal reader of wasm binaries: the imports with their signatures, and custom sections. */

export type ValType = 'i32' | 'i64' | 'f32' | 'f64' | 'v128' | 'funcref' | 'externref';

export interface FuncType {
  params: ValType[];
  results: ValType[];
}

export interface WasmImport {
  module: string;
  name: string;
  kind: 'func' | 'table' | 'memory' | 'global';
  /** For functions: the signature. */
  type?: FuncType;
}

export interface WasmInfo {
  imports: WasmImport[];
  /** Custom sections in file order (several may share a name). */
  custom: { name: string; data: Uint8Array }[];
}

const VALTYPES: Record<number, ValType> = {
  0x7f: 'i32',
  0x7e: 'i64',
  0x7d: 'f32',
  0x7c: 'f64',
  0x7b: 'v128',
  0x70: 'funcref',
  0x6f: 'externref',
};

class Reader {
  constructor(
    private readonly bytes: Uint8Array,
    public pos = 0,
  ) {}

  byte(): number {
    if (this.pos >= this.bytes.length) throw new Error('wasm: truncated');
    return this.bytes[this.pos++];
  }

  u32(): number {
    let result = 0;
    for (let shift = 0; ; shift += 7) {
      const b = this.byte();
      result += (b & 0x7f) * 2 ** shift;
      if (!(b & 0x80)) return result;
    }
  }

  take(n: number): Uint8Array {
    if (this.pos + n > this.bytes.length) throw new Error('wasm: truncated');
    return this.bytes.subarray(this.pos, (this.pos += n));
  }

  /** Everything left. */
  rest(): Uint8Array {
    return this.take(this.bytes.length - this.pos);
  }

  name(): string {
    return Buffer.from(this.take(this.u32())).toString('utf8');
  }

  valtype(): ValType {
    const b = this.byte();
    const t = VALTYPES[b];
    if (!t) throw new Error(`wasm: unknown value type 0x${b.toString(16)}`);
    return t;
  }

  vec<T>(item: () => T): T[] {
    return Array.from({ length: this.u32() }, item);
  }

  limits(): void {
    const flags = this.byte();
    this.u32();
    if (flags & 1) this.u32();
  }
}

export function readWasm(bytes: Uint8Array): WasmInfo {
  const r = new Reader(bytes);
  const header = Buffer.from(r.take(8)).toString('hex');
  if (header !== '0061736d01000000') throw new Error('wasm: not a wasm 1 module');
  const types: FuncType[] = [];
  const info: WasmInfo = { imports: [], custom: [] };
  while (r.pos < bytes.length) {
    const id = r.byte();
    const body = new Reader(r.take(r.u32()));
    if (id === 0) {
      const name = body.name();
      info.custom.push({ name, data: body.rest() });
    } else if (id === 1) {
      types.push(
        ...body.vec(() => {
          if (body.byte() !== 0x60) throw new Error('wasm: expected a function type');
          return { params: body.vec(() => body.valtype()), results: body.vec(() => body.valtype()) };
        }),
      );
    } else if (id === 2) {
      info.imports.push(
        ...body.vec((): WasmImport => {
          const module = body.name();
          const name = body.name();
          switch (body.byte()) {
            case 0:
              return { module, name, kind: 'func', type: types[body.u32()] };
            case 1:
              body.byte();
              body.limits();
              return { module, name, kind: 'table' };
            case 2:
              body.limits();
              return { module, name, kind: 'memory' };
            case 3:
              body.valtype();
              body.byte();
              return { module, name, kind: 'global' };
            default:
              throw new Error('wasm: unknown import kind');
          }
        }),
      );
    }
  }
  return info;
}

/** The concatenated bytes of every custom section called `name`. */
export function customSection(info: WasmInfo, name: string): Buffer {
  return Buffer.concat(info.custom.filter((c) => c.name === name).map((c) => c.data));
}
