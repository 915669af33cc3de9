import * as assert from 'node:assert/strict';
import { addon, idl, throwsArgError, throwsTypeError } from './support';

describe('native: recordRoundTrip on the golden vectors (the C++ codecs)', () => {
  for (const r of idl().records) {
    for (const v of r.vectors) {
      if (v.error) {
        it(`${r.name}/${v.name}: ${v.error}`, () => {
          assert.deepStrictEqual(addon().recordRoundTrip(r.name, v.bytes), { ok: false, error: v.error });
        });
      } else {
        it(`${r.name}/${v.name}: the same bytes back`, () => {
          const out = addon().recordRoundTrip(r.name, v.bytes);
          assert.ok(out.ok);
          assert.ok(out.bytes instanceof Uint8Array);
          assert.deepStrictEqual(Buffer.from(out.bytes), Buffer.from(v.bytes));
        });
      }
    }
  }

  it('bytes past the record are ignored; a short input is truncated', () => {
    const [r] = idl().records.filter((x) => x.vectors.some((v) => !v.error));
    const v = r.vectors.find((x) => !x.error)!;
    const longer = new Uint8Array([...v.bytes, 0xaa, 0xbb]);
    assert.deepStrictEqual(addon().recordRoundTrip(r.name, longer), { ok: true, bytes: new Uint8Array(v.bytes) });
    assert.deepStrictEqual(addon().recordRoundTrip(r.name, v.bytes.subarray(0, r.size - 1)), { ok: false, error: 'truncated' });
  });

  it('an unknown record or non-bytes input is a TypeError', () => {
    throwsTypeError(() => addon().recordRoundTrip('no_such_record', new Uint8Array(8)), "recordRoundTrip: no record named 'no_such_record'");
    throwsArgError(
      () => addon().recordRoundTrip('epoll_event', [1, 2] as unknown as Uint8Array),
      'ERR_INVALID_ARG_TYPE',
      'The "bytes" argument must be an instance of Uint8Array. Received an instance of Array',
    );
    throwsArgError(
      () => addon().recordRoundTrip(7 as unknown as string, new Uint8Array(8)),
      'ERR_INVALID_ARG_TYPE',
      'The "name" argument must be of type string. Received type number (7)',
    );
  });
});
