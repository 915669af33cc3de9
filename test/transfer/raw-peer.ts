/**
 * A raw peer for the transfer tests: a `net` socket speaking the frame format through the
 * generated FrameHeaderCodec, so a test can send frames no session would.
 */
import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import { FrameType, PROTOCOLS } from '../../generated/ts/constants';
import { ConnInfoCodec, FrameHeaderCodec, HelloCodec, type FrameHeader } from '../../generated/ts/records';
import type { Session } from '../../generated/ts/sdk';

/** One frame: its header (defaults: version 1, no flags, zero fields) and payload. */
export function frame(v: Partial<FrameHeader> & { type: number }, payload?: Uint8Array): Buffer {
  const h = FrameHeaderCodec.encode({ version: 1, flags: 0, length: payload?.length ?? 0, tag: 0n, msg_id: 0n, offset: 0n, rkey: 0n, ...v });
  return payload ? Buffer.concat([h, payload]) : Buffer.from(h);
}

/** Frames as they arrive on a raw socket. */
export class FrameReader {
  private buf = Buffer.alloc(0);
  private waiters: Array<() => void> = [];
  readonly frames: FrameHeader[] = [];
  closed = false;
  constructor(sock: net.Socket) {
    sock.on('data', (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d]);
      while (this.buf.length >= 40) {
        const h = FrameHeaderCodec.decode(this.buf);
        if (this.buf.length < 40 + h.length) break;
        this.frames.push(h);
        this.buf = this.buf.subarray(40 + h.length);
      }
      this.wake();
    });
    sock.on('close', () => {
      this.closed = true;
      this.wake();
    });
    sock.on('error', () => {});
  }
  private wake() {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
  async next(type: number): Promise<FrameHeader> {
    for (;;) {
      const i = this.frames.findIndex((f) => f.type === type);
      if (i >= 0) return this.frames.splice(i, 1)[0];
      if (this.closed) throw new Error(`closed before a frame of type ${type}`);
      await new Promise<void>((r) => this.waiters.push(r));
    }
  }
  async close(): Promise<void> {
    while (!this.closed) await new Promise<void>((r) => this.waiters.push(r));
  }
}

/** The transfer protocol version of this engine, as its HELLO announces it. */
export const PROTOCOL = PROTOCOLS.transfer;

/** A HELLO payload: a `hello` record announcing `name` at a protocol version, and the name. */
export function helloPayload(name = '', major: number = PROTOCOL.major, minor: number = PROTOCOL.minor): Buffer {
  const n = Buffer.from(name, 'utf8');
  return Buffer.concat([Buffer.from(HelloCodec.encode({ version_major: major, version_minor: minor, name_length: n.length, reserved: 0 })), n]);
}

/** A connector's HELLO on channel `index` of `count` (its payload announces `name`). */
export function hello(nonce: bigint, connId: bigint, index: number, count: number, name = '', major?: number, minor?: number): Buffer {
  return frame({ type: FrameType.HELLO, tag: nonce, msg_id: connId, offset: BigInt(index), rkey: BigInt(count) }, helloPayload(name, major, minor));
}

/** A conn_info blob for listeners at `ports` on 127.0.0.1 (or the given IPv4 addresses, tried in order). */
export function connInfoBlob(ports: number[], nonce: bigint, addrs: number[][] = [[127, 0, 0, 1]], major: number = PROTOCOL.major): Uint8Array {
  return ConnInfoCodec.encode({
    magic: 0x49435748,
    version_major: major,
    version_minor: 0,
    channel_count: ports.length,
    addr_count: addrs.length,
    nonce,
    ports: Array.from({ length: 8 }, (_, i) => ports[i] ?? 0),
    addrs: Array.from({ length: 8 }, (_, i) =>
      i < addrs.length ? { family: 2, addr: Uint8Array.from([...addrs[i], ...new Array(12).fill(0)]) } : { family: 0, addr: new Uint8Array(16) },
    ),
  });
}

/** A raw socket connected to a listening 1-channel `session` (HELLO answered, READY said), accepted as `name`. */
export async function connectRaw(session: Session, name: string): Promise<{ sock: net.Socket; reader: FrameReader }> {
  const info = ConnInfoCodec.decode(await session.listen());
  const sock = net.connect(info.ports[0], '127.0.0.1');
  const reader = new FrameReader(sock);
  await new Promise((r) => sock.once('connect', r));
  const connId = 0x1234n;
  sock.write(hello(info.nonce, connId, 0, 1, name));
  const answer = await reader.next(FrameType.HELLO);
  assert.equal(answer.tag, connId);
  assert.equal(answer.msg_id, info.nonce);
  sock.write(frame({ type: FrameType.READY }));
  await session.accept(name);
  return { sock, reader };
}
