/**
 * Connection-info blobs with a reason: the native engine rejects a malformed blob with
 * EINVAL or EPROTO (its message names only the errno); `explainConnInfo` says what is wrong
 * with it, by the same rules, from the generated codec.
 */
import { AddrFamily, PROTOCOLS } from '../../generated/ts/constants';
import { Errno, HostwireError } from '../../generated/ts/errno';
import { ConnInfoCodec, RecordError } from '../../generated/ts/records';
import type { Session } from '../../generated/ts/sdk';

/** The transfer protocol version this engine speaks. */
const TRANSFER_PROTOCOL = PROTOCOLS.transfer;

/** Why the engine refuses `blob` (`EINVAL`: not a conn_info blob; `EPROTO`: one it cannot use), or undefined. */
export function explainConnInfo(blob: Uint8Array): { code: 'EINVAL' | 'EPROTO'; message: string } | undefined {
  const ours = `${TRANSFER_PROTOCOL.major}.${TRANSFER_PROTOCOL.minor}`;
  // `magic` and `version_major` keep their place in every version: another major is named.
  if (blob.length >= 8 && new DataView(blob.buffer, blob.byteOffset, 8).getUint32(0, true) === 0x49435748) {
    const dv = new DataView(blob.buffer, blob.byteOffset, 8);
    const major = dv.getUint16(4, true);
    const minor = dv.getUint16(6, true);
    if (major !== TRANSFER_PROTOCOL.major) {
      const theirs = major < 2 ? `${major}` : `${major}.${minor}`;
      return { code: 'EPROTO', message: `conn_info of transfer protocol ${theirs}, this engine speaks ${ours} (another major version)` };
    }
  }
  if (blob.length !== ConnInfoCodec.size) {
    return { code: 'EINVAL', message: `a conn_info blob is ${ConnInfoCodec.size} bytes, got ${blob.length}` };
  }
  let info;
  try {
    info = ConnInfoCodec.decode(blob);
  } catch (e) {
    if (!(e instanceof RecordError)) throw e;
    return { code: e.kind === 'range' ? 'EPROTO' : 'EINVAL', message: `conn_info: ${e.message}` };
  }
  for (const [i, port] of info.ports.entries()) {
    if (i < info.channel_count && port === 0) return { code: 'EPROTO', message: `channel ${i} has port 0` };
    if (i >= info.channel_count && port !== 0) return { code: 'EPROTO', message: `channel ${i} is past the channel count but has a port` };
  }
  for (const [i, a] of info.addrs.entries()) {
    if (i < info.addr_count) {
      if (a.family !== AddrFamily.INET && a.family !== AddrFamily.INET6) return { code: 'EPROTO', message: `address ${i} has no address family` };
    } else if (a.family !== AddrFamily.UNSPEC || a.addr.some((b) => b !== 0)) {
      return { code: 'EPROTO', message: `address ${i} is past the address count but not empty` };
    }
  }
  return undefined;
}

/** `session.loadRemoteConnInfo(name, blob)`, with the reason in the error's message. */
export function loadRemoteConnInfo(session: Pick<Session, 'loadRemoteConnInfo'>, name: string, blob: Uint8Array): void {
  const why = explainConnInfo(blob);
  if (why) throw new HostwireError(-Errno[why.code], `Session.loadRemoteConnInfo: ${why.message}`);
  session.loadRemoteConnInfo(name, blob);
}
