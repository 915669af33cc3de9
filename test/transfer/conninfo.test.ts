/** Malformed connection-info blobs: EINVAL / EPROTO with a message, never a crash. */
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { ConnInfoCodec } from '../../generated/ts/records';
import { explainConnInfo, loadRemoteConnInfo } from '../../runtime/transfer';
import { idl } from '../native/support';
import { newSession, throwsWith } from './helpers';
import { PROTOCOL } from './raw-peer';

/** `<theirs>, this engine speaks <our major.minor>` (a regex; `theirs` is one too). */
const speaks = (theirs: string) => new RegExp(`${theirs}, this engine speaks ${PROTOCOL.major}\\.${PROTOCOL.minor}`);
/** A major version of the protocol this engine does not speak: the next one. */
const NEXT = PROTOCOL.major + 1;

/** What each golden error kind of conn_info must give. */
const EXPECT: Record<string, string> = { truncated: 'EINVAL', const: 'EINVAL', range: 'EPROTO' };

describe('transfer: connection-info blobs', () => {
  const vectors = () => idl().records.find((r) => r.name === 'conn_info')!.vectors;

  it('every golden error vector of conn_info is rejected with its errno and a message', () => {
    const s = newSession();
    const errors = vectors().filter((v) => v.error);
    assert.ok(errors.length >= 3);
    for (const v of errors) {
      const e = throwsWith(() => s.loadRemoteConnInfo(`peer-${v.name}`, Uint8Array.from(v.bytes!)), EXPECT[v.error!]);
      assert.match(e.message, /Session\.loadRemoteConnInfo: \S/, v.name);
    }
  });

  it('the golden value vector loads (and connecting to it fails cleanly: nobody listens)', async () => {
    const s = newSession();
    const ok = vectors().find((v) => !v.error)!;
    s.loadRemoteConnInfo('golden', Uint8Array.from(ok.bytes!));
    await s.close();
  });

  it('a version this engine does not speak, empty channels and stray entries are EPROTO', () => {
    const s = newSession();
    const good = Uint8Array.from(vectors().find((v) => !v.error)!.bytes!);
    const info = ConnInfoCodec.decode(good);
    const cases: Array<[string, Uint8Array]> = [
      [`version_major ${NEXT}`, ConnInfoCodec.encode({ ...info, version_major: NEXT })],
      ['version_major 1', ConnInfoCodec.encode({ ...info, version_major: 1 })],
      ['port 0', ConnInfoCodec.encode({ ...info, ports: info.ports.map((p, i) => (i === 0 ? 0 : p)) })],
      ['unspec family in use', ConnInfoCodec.encode({ ...info, addrs: info.addrs.map((a, i) => (i === 0 ? { ...a, family: 0 } : a)) })],
      ['stray address', ConnInfoCodec.encode({ ...info, addrs: info.addrs.map((a, i) => (i === 5 ? { ...a, family: 2 } : a)) })],
      ['stray port', ConnInfoCodec.encode({ ...info, ports: info.ports.map((p, i) => (i === 5 ? 9 : p)) })],
    ];
    for (const [name, blob] of cases) throwsWith(() => s.loadRemoteConnInfo(name, blob), 'EPROTO');
    // Wrong lengths: not a conn_info blob at all.
    throwsWith(() => s.loadRemoteConnInfo('long', new Uint8Array([...good, 0])), 'EINVAL');
    throwsWith(() => s.loadRemoteConnInfo('empty', new Uint8Array(0)), 'EINVAL');
  });

  it('a blob of another major version is EPROTO naming both versions, whatever its length', () => {
    const s = newSession();
    const good = Uint8Array.from(vectors().find((v) => !v.error)!.bytes!);
    const next = ConnInfoCodec.encode({ ...ConnInfoCodec.decode(good), version_major: NEXT, version_minor: 4 });
    assert.match(throwsWith(() => s.loadRemoteConnInfo('next', next), 'EPROTO').message, speaks(`transfer protocol ${NEXT}\\.4`));
    // Protocol 1's blob was 176 bytes with the channel count where the minor is now.
    const v1 = Uint8Array.from(good.subarray(0, 176));
    v1[4] = 1;
    assert.match(throwsWith(() => s.loadRemoteConnInfo('v1', v1), 'EPROTO').message, speaks('transfer protocol 1'));
  });

  it('random bytes of every length up to 200 (and 180-byte random blobs) are EINVAL or EPROTO', () => {
    const s = newSession();
    const good = Uint8Array.from(vectors().find((v) => !v.error)!.bytes!);
    const check = (blob: Uint8Array) => {
      try {
        s.loadRemoteConnInfo('r', blob);
        assert.fail(`accepted ${Buffer.from(blob).toString('hex')}`);
      } catch (e) {
        const code = (e as { code?: string }).code;
        assert.ok(code === 'EINVAL' || code === 'EPROTO', `${String(e)}`);
        assert.ok((e as Error).message.length > 0);
      }
    };
    for (let n = 0; n <= 200; n++) check(randomBytes(n));
    for (let i = 0; i < 500; i++) {
      // Right magic, version and counts, random rest: only the port and address tables can be wrong.
      const b = Uint8Array.from(good);
      b.set(randomBytes(160), 20);
      b[8] = 1 + (i % 8);
      b[10] = 1 + ((i >> 3) % 8);
      check(b);
    }
  });
});

describe('transfer: explainConnInfo / loadRemoteConnInfo (runtime/transfer)', () => {
  const vectors = () => idl().records.find((r) => r.name === 'conn_info')!.vectors;

  it('gives the native errno of every blob, with a message that says what is wrong', () => {
    const s = newSession();
    const blobs: Uint8Array[] = vectors().map((v) => Uint8Array.from(v.bytes!));
    for (let n = 0; n < 200; n += 7) blobs.push(randomBytes(n));
    const good = blobs[0];
    blobs.push(ConnInfoCodec.encode({ ...ConnInfoCodec.decode(good), version_major: NEXT }));
    for (const blob of blobs) {
      const why = explainConnInfo(blob);
      let native: string | undefined;
      try {
        s.loadRemoteConnInfo('x', blob);
      } catch (e) {
        native = (e as { code: string }).code;
      }
      assert.equal(why?.code, native, Buffer.from(blob).toString('hex'));
      if (why) {
        const e = throwsWith(() => loadRemoteConnInfo(s, 'y', blob), why.code);
        assert.equal(e.message, `${why.code}: Session.loadRemoteConnInfo: ${why.message}`);
      }
    }
    assert.match(explainConnInfo(blobs[2])!.message, /magic/); // bad_magic
    assert.match(explainConnInfo(blobs[1])!.message, /180 bytes, got 22/); // truncated
    assert.match(explainConnInfo(blobs[3])!.message, /channel_count/); // absurd_channel_count
    assert.match(explainConnInfo(blobs[blobs.length - 1])!.message, speaks(`transfer protocol ${NEXT}\\.0`));
  });
});
