/**
 * The generated record codecs (generated/ts/records.ts) against the golden vectors of the
 * model, the front end's reference decoder, and their validation rules.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { buildModel } from '../../codegen/pipeline';
import type { Model, RecordDef } from '../../codegen/model';
import { decodeRecord } from '../../codegen/resolve/values';
import * as hw from '../../generated/ts/index';
import { ROOT } from '../helpers/toolchain';
import { coverage, recordValue, toCanonical } from './canonical';

const model: Model = buildModel(path.join(ROOT, 'idl'));

/** The codec of a model record, typed loosely so one loop can drive every record. */
function codecOf(r: RecordDef): hw.RecordCodec<unknown> {
  const codec = (hw.RECORD_CODECS as Record<string, hw.RecordCodec<unknown>>)[r.name];
  assert.ok(codec, `no codec for record ${r.name}`);
  return codec;
}

const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
const bytes = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));

/** An assert.throws matcher: a RecordError of `kind`, on `record`, at `field`. */
function recordError(kind: hw.RecordErrorKind, record: string, field?: string): (e: unknown) => boolean {
  return (e) => {
    assert.ok(e instanceof hw.RecordError, `expected a RecordError, got ${String(e)}`);
    assert.equal(e.kind, kind, e.message);
    assert.equal(e.record, record, e.message);
    if (field !== undefined) assert.equal(e.field, field, e.message);
    return true;
  };
}

/** A small deterministic PRNG (mulberry32). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('ts: record codecs', () => {
  it('RECORD_CODECS has exactly the records of the model', () => {
    assert.deepStrictEqual(Object.keys(hw.RECORD_CODECS), model.records.map((r) => r.name));
    assert.ok(model.records.length >= 8);
  });

  for (const r of model.records) {
    describe(r.name, () => {
      it(`has the model's size (${r.size}), alignment (${r.align}) and field layout`, () => {
        const codec = codecOf(r);
        assert.equal(codec.name, r.name);
        assert.equal(codec.size, r.size);
        assert.equal(codec.align, r.align);
        assert.deepStrictEqual(codec.fields, Object.fromEntries(r.fields.map((f) => [f.name, { offset: f.offset, size: f.size }])));
      });

      for (const v of r.vectors) {
        if (v.error) {
          it(`vector ${v.name}: decoding throws RecordError '${v.error}'`, () => {
            assert.throws(() => codecOf(r).decode(v.bytes), recordError(v.error!, r.name));
          });
          continue;
        }
        it(`vector ${v.name}: decodes to its value, which encodes to its bytes`, () => {
          const codec = codecOf(r);
          const expected = recordValue(r, v.value);
          assert.deepStrictEqual(codec.decode(v.bytes), expected);
          assert.equal(hex(codec.encode(expected)), hex(v.bytes));
        });
        it(`vector ${v.name}: decode at an offset and encodeInto at an offset agree`, () => {
          const codec = codecOf(r);
          const expected = recordValue(r, v.value);
          const padded = new Uint8Array(v.bytes.length + 10).fill(0xee);
          padded.set(v.bytes, 3);
          assert.deepStrictEqual(codec.decode(padded.subarray(0), 3), expected);
          // A view that does not start at the buffer's start.
          assert.deepStrictEqual(codec.decode(padded.subarray(2, 3 + v.bytes.length), 1), expected);
          const out = new Uint8Array(v.bytes.length + 10).fill(0xee);
          codec.encodeInto(expected, new DataView(out.buffer, 2), 1);
          assert.equal(hex(out.subarray(3, 3 + v.bytes.length)), hex(v.bytes));
          assert.deepStrictEqual([...out.subarray(0, 3)], [0xee, 0xee, 0xee]);
          assert.ok(out.subarray(3 + v.bytes.length).every((b) => b === 0xee));
        });
      }

      it(`every length below ${r.size} is 'truncated'`, () => {
        const codec = codecOf(r);
        const full = r.vectors.find((v) => !v.error)?.bytes ?? new Uint8Array(r.size);
        for (let n = 0; n < r.size; n++) {
          assert.throws(() => codec.decode(full.subarray(0, n)), recordError('truncated', r.name, ''), `length ${n}`);
          // The same shortfall through an offset into a longer array.
          const shifted = new Uint8Array(n + 5);
          shifted.set(full.subarray(0, n), 5);
          assert.throws(() => codec.decode(shifted, 5), recordError('truncated', r.name, ''), `offset 5, ${n} bytes left`);
        }
        assert.throws(() => codec.decode(full, full.length + 1), recordError('truncated', r.name, ''));
      });

      it('encodeInto a view without room throws truncated and writes nothing', () => {
        const codec = codecOf(r);
        const v = r.vectors.find((x) => !x.error);
        if (!v) return;
        const out = new Uint8Array(r.size + 1).fill(0x5a);
        assert.throws(() => codec.encodeInto(recordValue(r, v.value), new DataView(out.buffer), 2), recordError('truncated', r.name, ''));
        assert.ok(out.every((b) => b === 0x5a));
      });

      it('agrees with the reference decoder on 400 mutations of its vectors, and re-encodes what it decodes', () => {
        const codec = codecOf(r);
        const rand = prng(0x5eed ^ r.size);
        const seeds = r.vectors.filter((v) => v.bytes.length >= r.size).map((v) => v.bytes);
        if (seeds.length === 0) seeds.push(new Uint8Array(r.size));
        const covered = coverage(r);
        let decoded = 0;
        for (let n = 0; n < 400; n++) {
          const b = Uint8Array.from(seeds[n % seeds.length].subarray(0, r.size));
          const flips = 1 + Math.floor(rand() * 2);
          for (let k = 0; k < flips; k++) {
            const at = Math.floor(rand() * r.size);
            b[at] = rand() < 0.5 ? b[at] ^ (1 << Math.floor(rand() * 8)) : Math.floor(rand() * 256);
          }
          const reference = decodeRecord(r, b);
          let ours: { value?: unknown; error?: string };
          try {
            ours = { value: codec.decode(b) };
          } catch (e) {
            if (!(e instanceof hw.RecordError)) throw e;
            ours = { error: e.kind };
          }
          if (reference.error) {
            assert.equal(ours.error, reference.error, `bytes ${hex(b)}`);
            continue;
          }
          assert.equal(ours.error, undefined, `bytes ${hex(b)}`);
          assert.deepStrictEqual(toCanonical({ kind: 'record', def: r }, ours.value), reference.value, `bytes ${hex(b)}`);
          const padding = b.map((x, i) => (covered[i] ? x : 0));
          assert.equal(hex(codec.encode(ours.value)), hex(padding), `re-encoding ${hex(b)}`);
          decoded++;
        }
        // The mutations are not all rejected: both outcomes are exercised.
        assert.ok(decoded > 0 || r.fields.some((f) => f.const !== undefined), `no mutation of ${r.name} decoded`);
      });
    });
  }

  describe('error paths and messages', () => {
    const conn = (): hw.ConnInfo => hw.ConnInfoCodec.decode(model.records.find((r) => r.name === 'conn_info')!.vectors[0].bytes);

    it('an unknown enum value in a nested array element names its path: conn_info.addrs[2].family', () => {
      const b = hw.ConnInfoCodec.encode(conn());
      new DataView(b.buffer).setUint16(36 + 2 * 18, 7, true);
      assert.throws(
        () => hw.ConnInfoCodec.decode(b),
        (e: unknown) => {
          assert.ok(e instanceof hw.RecordError);
          assert.equal(e.kind, 'range');
          assert.equal(e.record, 'conn_info');
          assert.equal(e.field, 'addrs[2].family');
          assert.equal(e.message, 'conn_info.addrs[2].family: 7 is not a value of enum addr_family (UNSPEC=0, INET=2, INET6=10)');
          assert.equal(e.name, 'RecordError');
          return true;
        },
      );
    });

    it('a const mismatch names the field and both values', () => {
      const b = bytes('01 02 0000 00000100 0700000000000000 0100000000000000 0000020000000000 8877665544332211');
      b[0] = 2;
      assert.throws(() => hw.FrameHeaderCodec.decode(b), (e: unknown) => {
        assert.ok(e instanceof hw.RecordError);
        assert.equal(e.message, 'frame_header.version: 0x2 is not the constant 0x1');
        return recordError('const', 'frame_header', 'version')(e);
      });
    });

    it('a value outside a range names the field and the range', () => {
      const b = hw.ConnInfoCodec.encode(conn());
      new DataView(b.buffer).setUint16(8, 9, true);
      assert.throws(() => hw.ConnInfoCodec.decode(b), (e: unknown) => {
        assert.ok(e instanceof hw.RecordError);
        assert.equal(e.message, 'conn_info.channel_count: 9 is outside 1..8');
        return recordError('range', 'conn_info', 'channel_count')(e);
      });
      new DataView(b.buffer).setUint16(8, 0, true);
      assert.throws(() => hw.ConnInfoCodec.decode(b), recordError('range', 'conn_info', 'channel_count'));
      new DataView(b.buffer).setUint16(8, 8, true);
      assert.equal(hw.ConnInfoCodec.decode(b).channel_count, 8);
    });

    it('unknown flag bits are a range error naming the bits', () => {
      assert.throws(() => hw.EpollEventCodec.decode(bytes('e8030000 02000000')), (e: unknown) => {
        assert.ok(e instanceof hw.RecordError);
        assert.equal(e.message, 'epoll_event.events: 0x2 has bits outside flags epoll_events (IN|OUT|ERR|HUP = 0x1d)');
        return recordError('range', 'epoll_event', 'events')(e);
      });
      assert.deepStrictEqual(hw.EpollEventCodec.decode(bytes('e8030000 1d000000')), { fd: 1000, events: 0x1d });
    });

    it('truncated input says how many bytes it needed and found', () => {
      assert.throws(() => hw.EpollEventCodec.decode(bytes('e8030000 0100'), 0), (e: unknown) => {
        assert.ok(e instanceof hw.RecordError);
        assert.equal(e.message, 'epoll_event: needs 8 bytes at offset 0, but 6 are there');
        return true;
      });
    });

    it('a negative or fractional offset is a RangeError, not a RecordError', () => {
      assert.throws(() => hw.EpollEventCodec.decode(new Uint8Array(16), -1), (e: unknown) => e instanceof RangeError && !(e instanceof hw.RecordError));
      assert.throws(() => hw.EpollEventCodec.decode(new Uint8Array(16), 1.5), RangeError);
    });
  });

  describe('decode', () => {
    it('reads signed and 64-bit fields exactly (i32 -1, u64 above 2^53)', () => {
      assert.deepStrictEqual(hw.EpollEventCodec.decode(bytes('ffffffff 01000000')), { fd: -1, events: 1 });
      const md = hw.MemoryDescriptorCodec.decode(bytes('ffffffffffffffff 0000400000000000 00000000 03000000 0df0fecaefbeadde'));
      assert.equal(md.base_addr, 0xffffffffffffffffn);
      assert.equal(md.rkey, 0xdeadbeefcafef00dn);
    });

    it('returns byte arrays that are copies, not views of the input', () => {
      const b = bytes('0200 7f000001 00000000 00000000 00000000');
      const v = hw.ConnAddrCodec.decode(b);
      b[2] = 0;
      assert.equal(v.addr[0], 0x7f);
      assert.equal(v.addr.buffer === b.buffer, false);
    });
  });

  describe('encode validation', () => {
    const channel = (): hw.ConnAddr => ({ family: hw.AddrFamily.INET, addr: new Uint8Array(16) });
    const hello = (): hw.Hello => ({ version_major: 2, version_minor: 0, name_length: 0, reserved: 0 });

    it('encodes a valid value exactly', () => {
      assert.equal(hex(hw.ConnAddrCodec.encode(channel())), `0200${'00'.repeat(16)}`);
      assert.equal(hex(hw.EpollEventCodec.encode({ fd: -2, events: hw.EpollEvents.IN | hw.EpollEvents.HUP })), 'feffffff11000000');
    });

    const cases: Array<[string, () => Uint8Array, hw.RecordErrorKind, string, string]> = [
      ['a u16 above its range', () => hw.HelloCodec.encode({ ...hello(), version_minor: 70000 }), 'range', 'version_minor', 'hello.version_minor: 70000 is not a u16 (0..65535)'],
      ['a negative u16', () => hw.HelloCodec.encode({ ...hello(), version_minor: -1 }), 'range', 'version_minor', 'hello.version_minor: -1 is not a u16 (0..65535)'],
      ['a fractional integer', () => hw.HelloCodec.encode({ ...hello(), version_minor: 1.5 }), 'range', 'version_minor', 'hello.version_minor: 1.5 is not a u16 (0..65535)'],
      ['an i32 above 2^31-1', () => hw.EpollEventCodec.encode({ fd: 2 ** 31, events: 1 }), 'range', 'fd', 'epoll_event.fd: 2147483648 is not an i32 (-2147483648..2147483647)'],
      ['an unknown enum value', () => hw.ConnAddrCodec.encode({ ...channel(), family: 3 as hw.AddrFamily }), 'range', 'family', 'conn_addr.family: 3 is not a value of enum addr_family (UNSPEC=0, INET=2, INET6=10)'],
      ['unknown flag bits', () => hw.EpollEventCodec.encode({ fd: 1, events: 2 }), 'range', 'events', 'epoll_event.events: 2 is not a mask of flags epoll_events (IN|OUT|ERR|HUP)'],
      ['a byte array of the wrong length', () => hw.ConnAddrCodec.encode({ ...channel(), addr: new Uint8Array(4) }), 'range', 'addr', 'conn_addr.addr: expected a Uint8Array of 16 bytes, got a Uint8Array of 4 bytes'],
      ['a number where a u64 bigint belongs', () => hw.MemoryDescriptorCodec.encode({ base_addr: 0n, size: 1 as unknown as bigint, kind: 0, region_id: 1, rkey: 0n }), 'range', 'size', 'memory_descriptor.size: 1 is not a u64 (0..18446744073709551615)'],
      ['a negative u64', () => hw.MemoryDescriptorCodec.encode({ base_addr: 0n, size: -1n, kind: 0, region_id: 1, rkey: 0n }), 'range', 'size', 'memory_descriptor.size: -1n is not a u64 (0..18446744073709551615)'],
      ['a u64 above 2^64-1', () => hw.MemoryDescriptorCodec.encode({ base_addr: 1n << 64n, size: 0n, kind: 0, region_id: 1, rkey: 0n }), 'range', 'base_addr', 'memory_descriptor.base_addr: 18446744073709551616n is not a u64 (0..18446744073709551615)'],
    ];
    for (const [what, run, kind, field, message] of cases) {
      it(`rejects ${what}: ${kind} at '${field}'`, () => {
        assert.throws(run, (e: unknown) => {
          assert.ok(e instanceof hw.RecordError);
          assert.equal(e.kind, kind);
          assert.equal(e.field, field);
          assert.equal(e.message, message);
          return true;
        });
      });
    }

    it('enforces const and range on encode too, so that encode never makes bytes decode rejects', () => {
      const good = hw.ConnInfoCodec.decode(hw.ConnInfoCodec.encode(hw.ConnInfoCodec.decode(model.records.find((r) => r.name === 'conn_info')!.vectors[0].bytes)));
      assert.throws(() => hw.ConnInfoCodec.encode({ ...good, magic: 0 }), recordError('const', 'conn_info', 'magic'));
      assert.throws(() => hw.ConnInfoCodec.encode({ ...good, channel_count: 9 }), recordError('range', 'conn_info', 'channel_count'));
      assert.throws(() => hw.ConnInfoCodec.encode({ ...good, channel_count: 0 }), recordError('range', 'conn_info', 'channel_count'));
    });

    it('names the path into arrays of records', () => {
      const good = hw.ConnInfoCodec.decode(model.records.find((r) => r.name === 'conn_info')!.vectors[0].bytes);
      const addrs = good.addrs.map((c) => ({ ...c }));
      addrs[5] = { ...addrs[5], family: 3 as hw.AddrFamily };
      assert.throws(() => hw.ConnInfoCodec.encode({ ...good, addrs }), recordError('range', 'conn_info', 'addrs[5].family'));
      assert.throws(() => hw.ConnInfoCodec.encode({ ...good, addrs: addrs.slice(0, 7) }), (e: unknown) => {
        assert.ok(e instanceof hw.RecordError);
        assert.equal(e.message, 'conn_info.addrs: expected an array of 8 elements, got an array of 7 elements');
        return true;
      });
      const holes = good.addrs.slice() as unknown[];
      holes[1] = null;
      assert.throws(() => hw.ConnInfoCodec.encode({ ...good, addrs: holes as hw.ConnAddr[] }), (e: unknown) => {
        assert.ok(e instanceof hw.RecordError);
        assert.equal(e.field, 'addrs[1]');
        assert.equal(e.message, 'conn_info.addrs[1]: expected a conn_addr object, got null');
        return true;
      });
    });

    it('rejects a value that is not an object', () => {
      assert.throws(() => hw.EpollEventCodec.encode(undefined as unknown as hw.EpollEvent), (e: unknown) => {
        assert.ok(e instanceof hw.RecordError);
        assert.equal(e.message, 'epoll_event: expected an epoll_event object, got undefined');
        return recordError('range', 'epoll_event', '')(e);
      });
    });

    it('encodeInto validates before writing: an invalid value leaves the view untouched', () => {
      const out = new Uint8Array(8).fill(0x33);
      assert.throws(() => hw.EpollEventCodec.encodeInto({ fd: 5, events: 0x100 }, new DataView(out.buffer), 0), recordError('range', 'epoll_event', 'events'));
      assert.ok(out.every((b) => b === 0x33));
    });

    it('encodeInto zeroes the padding of natural-layout records', () => {
      const v: hw.SsfV1Header = { msg_type: 2, flags: 0, stream_id: 5, seq: 9n, meta_len: 2, data_len: 3, header_len: 32 };
      const out = new Uint8Array(40).fill(0xff);
      hw.SsfV1HeaderCodec.encodeInto(v, new DataView(out.buffer), 0);
      assert.equal(hex(out.subarray(0, 32)), '0200000005000000090000000000000002000000030000002000000000000000');
      assert.ok(out.subarray(32).every((b) => b === 0xff));
    });
  });
});
