/**
 * Connection-info blobs with a reason: the native engine rejects a malformed blob with
 * EINVAL or EPROTO (its message names only the errno); `explainConnInfo` says what is wrong
 * with it, by the same rules, from the generated codec.
 */
import { ABI, AddrFamily } from '../../generated/ts/constants';
import { Errno, HostwireError } from '../../generated/ts/errno';
import { ConnInfoCodec, RecordError } from '../../generated/ts/records';
import type { Session } from '../../generated/ts/sdk';

/** Why the engine refuses `blob` (`EINVAL`: not a conn_info blob; `EPROTO`: one it cannot use), or undefined. */
export function explainConnInfo(blob: Uint8Array): { code: 'EINVAL' | 'EPROTO'; message: string } | undefined {
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
  const major = Number(ABI.version.split('.')[0]);
  if (info.abi_major !== major) return { code: 'EPROTO', message: `conn_info of ABI major ${info.abi_major}; this engine speaks ${major}` };
  for (const [i, c] of info.channels.entries()) {
    if (i < info.channel_count) {
      if (c.family !== AddrFamily.INET && c.family !== AddrFamily.INET6) return { code: 'EPROTO', message: `channel ${i} has no address family` };
      if (c.port === 0) return { code: 'EPROTO', message: `channel ${i} has port 0` };
    } else if (c.family !== AddrFamily.UNSPEC || c.port !== 0) {
      return { code: 'EPROTO', message: `channel ${i} is past the channel count but not empty` };
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
