/**
 * Where a session listens and what its conn_info tells a peer to dial: every interface by
 * default (never a wildcard in the blob), an address literal (IPv4 or IPv6) or a host name;
 * the connector tries the listed addresses in order and says in metrics() which one answered.
 */
import * as assert from 'node:assert/strict';
import * as dns from 'node:dns';
import * as net from 'node:net';
import * as os from 'node:os';
import { AddrFamily } from '../../generated/ts/constants';
import { ConnInfoCodec, type ConnAddr } from '../../generated/ts/records';
import { newSession, rejectsWith, throwsWith } from './helpers';
import { connInfoBlob } from './raw-peer';

function text(a: ConnAddr): string {
  if (a.family === AddrFamily.INET) return [...a.addr.subarray(0, 4)].join('.');
  const words: string[] = [];
  for (let i = 0; i < 16; i += 2) words.push(((a.addr[i] << 8) | a.addr[i + 1]).toString(16));
  return words.join(':');
}

/** Addresses of this host's interfaces that are up, as node sees them (IPv6 link-local left out). */
function interfaceAddresses(): { external: string[]; loopback: string[] } {
  const external: string[] = [];
  const loopback: string[] = [];
  for (const list of Object.values(os.networkInterfaces())) {
    for (const i of list ?? []) {
      if (i.family === 'IPv6' && i.address.toLowerCase().startsWith('fe80')) continue;
      (i.internal ? loopback : external).push(i.address);
    }
  }
  return { external, loopback };
}

/** An IPv6 text in the long form `text()` gives. */
const long6 = (a: string): string => {
  const [head, tail] = a.includes('::') ? a.split('::') : [a, ''];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  return [...h, ...new Array(8 - h.length - t.length).fill('0'), ...t].map((w) => parseInt(w, 16).toString(16)).join(':');
};
const canon = (a: string): string => (net.isIPv6(a) ? long6(a) : a);

describe('transfer: listening addresses and dialling them', () => {
  it('new Session() listens on every interface: its conn_info lists the interface addresses, other interfaces before loopback, never a wildcard', async () => {
    const s = newSession({ channels: 2 });
    const info = ConnInfoCodec.decode(await s.listen());
    const listed = info.addrs.slice(0, info.addr_count).map(text);
    const { external, loopback } = interfaceAddresses();
    const expected = [...external.filter(net.isIPv4), ...external.filter(net.isIPv6), ...loopback.filter(net.isIPv4), ...loopback.filter(net.isIPv6)].map(canon).slice(0, 8);
    assert.deepEqual(listed, expected);
    for (const a of listed) assert.ok(a !== '0.0.0.0' && a !== '0:0:0:0:0:0:0:0', `a wildcard in the blob: ${a}`);
    // Every listed address answers on every channel's port.
    for (const a of listed) {
      for (const port of info.ports.slice(0, 2)) {
        const sock = net.connect({ host: a, port });
        await new Promise<void>((resolve, reject) => sock.once('connect', resolve).once('error', reject));
        sock.destroy();
      }
    }
    await s.close();
  });

  it('a peer on this host connects by the first address listed, and says so in metrics()', async () => {
    const server = newSession({ channels: 2 });
    const blob = await server.listen();
    const info = ConnInfoCodec.decode(blob);
    const client = newSession({ channels: 2, name: 'dialler' });
    client.loadRemoteConnInfo('server', blob);
    const accepted = server.accept('dialler');
    await client.connect('server');
    await accepted;
    const first = text(info.addrs[0]);
    const shown = info.addrs[0].family === AddrFamily.INET6 ? `[${first}]` : first;
    assert.equal(client.metrics().peers.server.address, `${shown}:${info.ports[0]}`);
    await client.close();
    await server.close();
  });

  it('an address that refuses is skipped for the next one listed', async () => {
    const server = newSession({ channels: 1, host: '127.0.0.1' });
    const info = ConnInfoCodec.decode(await server.listen());
    // 127.0.0.2 is loopback too, but nothing listens there on that port: refused, then 127.0.0.1.
    const blob = connInfoBlob([info.ports[0]], info.nonce, [[127, 0, 0, 2], [127, 0, 0, 1]]);
    const client = newSession({ channels: 1 });
    client.loadRemoteConnInfo('server', blob);
    const accepted = server.accept('c');
    await client.connect('server');
    await accepted;
    assert.equal(client.metrics().peers.server.address, `127.0.0.1:${info.ports[0]}`);
    await client.close();
    await server.close();
  });

  it('an address nobody answers is ETIMEDOUT after connectTimeoutMs, naming the address', async function () {
    // 192.0.2.0/24 is TEST-NET-1: a packet to it is dropped or refused by the route, never answered.
    const client = newSession({ channels: 1, connectTimeoutMs: 200 });
    client.loadRemoteConnInfo('void', connInfoBlob([9], 1n, [[192, 0, 2, 123]]));
    let e;
    try {
      await client.connect('void');
      assert.fail('connected to 192.0.2.123');
    } catch (err) {
      e = err as Error & { code: string };
    }
    assert.ok(['ETIMEDOUT', 'EHOSTUNREACH', 'ECONNREFUSED'].includes(e.code), e.message);
    assert.match(e.message, /192\.0\.2\.123:9: (ETIMEDOUT|EHOSTUNREACH|ECONNREFUSED)/);
    if (e.code === 'ETIMEDOUT') assert.match(e.message, /no answer within 200 ms/);
    await client.close();
  });

  it('IPv6: a listener on ::1 lists it, and a peer connects over it', async function () {
    const probe = net.createServer();
    const v6 = await new Promise<boolean>((r) => probe.once('error', () => r(false)).listen(0, '::1', () => r(true)));
    probe.close();
    if (!v6) return this.skip();
    const server = newSession({ channels: 2, host: '::1' });
    const blob = await server.listen();
    const info = ConnInfoCodec.decode(blob);
    assert.equal(info.addr_count, 1);
    assert.equal(info.addrs[0].family, AddrFamily.INET6);
    assert.equal(text(info.addrs[0]), '0:0:0:0:0:0:0:1');
    const client = newSession({ channels: 2 });
    client.loadRemoteConnInfo('server', blob);
    const accepted = server.accept('c');
    await client.connect('server');
    await accepted;
    assert.equal(client.metrics().peers.server.address, `[::1]:${info.ports[0]}`);
    assert.match(server.metrics().peers.c.address, /^\[::1\]:\d+$/);
    await client.close();
    await server.close();
  });

  it('a host name is resolved once by listen(); one that does not resolve is EINVAL with the reason', async () => {
    const name = os.hostname();
    const resolved = await dns.promises.lookup(name).catch(() => undefined);
    const s = newSession({ host: name });
    if (resolved) {
      const info = ConnInfoCodec.decode(await s.listen());
      assert.equal(info.addr_count, 1);
      assert.equal(canon(text(info.addrs[0])), canon(resolved.address));
    }
    await s.close();
    const bad = newSession({ host: 'no such host!' });
    const e = await rejectsWith(bad.listen(), 'EINVAL');
    assert.match(e.message, /options\.host: "no such host!" is neither an address nor a name that resolves/);
    await bad.close();
  });

  it('a name longer than 255 bytes is refused by the constructor', () => {
    throwsWith(() => newSession({ name: 'x'.repeat(256) }), 'EINVAL');
  });
});
