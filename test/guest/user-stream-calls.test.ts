/**
 * Every user_stream_* call and its errors, as SPEAR's host_api/user_stream.rs answers them: a
 * C guest (c/user_stream_calls.c; its SSF checks from user_stream.rs's tests
 * test_parse_ssf_v1_header_*) runs on the real native core with no client connected and
 * prints one line per call; the lines are asserted exactly (the execution id, the instance's
 * id, is checked to be a decimal number and then replaced by N).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { runGuest } from '../../runtime';
import { buildGuest, lines, tmpDir } from './helpers';

const METRICS_STREAM =
  '{"conn_state":"Init","direction":"Bidi","execution_id":"N","inbound_bytes":0,"inbound_len":0,"max_frame_bytes":262144,' +
  '"max_inbound_bytes":2097152,"max_outbound_bytes":2097152,"outbound_bytes":0,"outbound_len":0,"stream_id":2}';
const METRICS_CTL = '{"execution_id":"N","max_pending":1024,"pending_len":0}';

describe('guest host: user_stream_* with no client (c/user_stream_calls.c on the native core)', () => {
  let dir: string;
  let guest: string;
  before(() => {
    dir = tmpDir('user-stream-calls');
    guest = buildGuest('user_stream_calls', dir);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('answers every call as SPEAR', async () => {
    const r = await runGuest(guest, {});
    assert.equal(r.exitCode, 0);
    const ids = [...r.stdout.matchAll(/"execution_id":"([^"]*)"/g)].map((m) => m[1]);
    assert.equal(ids.length, 2);
    assert.match(ids[0], /^[1-9][0-9]*$/);
    assert.equal(ids[1], ids[0]);
    const out = r.stdout.replaceAll(`"execution_id":"${ids[0]}"`, '"execution_id":"N"');
    assert.deepEqual(lines(out), [
      'open stream -1: -22',
      'open direction 0: -22',
      'open direction 4: -22',
      'fds in order: 1',
      'GET_KIND stream: {"kind":"UserStream"}',
      'GET_KIND ctl: {"kind":"UserStreamCtl"}',
      'GET_STATUS stream: {"closed":false,"flags":[],"kind":"UserStream","poll_mask":[]}',
      `GET_METRICS stream: ${METRICS_STREAM}`,
      `GET_METRICS ctl: ${METRICS_CTL}`,
      'read in: -11',
      'read bidi: -11',
      'read out: -22',
      'read ctl: -9',
      'read epoll fd: -9',
      'read unknown fd: -9',
      'write unknown fd, garbage: -9',
      'write out before any client: -107',
      'write in (INBOUND): -22',
      'write bidi, frame of stream 1: -22',
      'write ctl, valid frame: -9',
      'write ctl, garbage: -22',
      'write out, 31 bytes: -22',
      'write out, bad magic: -22',
      'write out, version 2: -22',
      'write out, header_len 16: -22',
      'write out, header_len past the end: -22',
      'write out, lengths do not add up: -22',
      'write out, one byte more: -22',
      'write out, msg_type 9: -107',
      'write out, header_len 40: -107',
      'write out, bad pointer: -14',
      'ctl_read ctl: -11',
      'ctl_read ctl, room for 4: -11',
      'ctl_read stream fd: -9',
      'ctl_read unknown fd: -9',
      'ADD in: 0',
      'ADD bidi: 0',
      'ADD ctl: 0',
      'epoll_wait: 0',
      'close in: 0',
      'close in again: 0',
      'close unknown fd: -9',
      'read closed: -9',
      'write closed, valid frame: -9',
      'write closed, garbage: -22',
      'GET_STATUS closed: {"closed":true,"flags":[],"kind":"UserStream","poll_mask":["EPOLLHUP"]}',
      'epoll_wait after close: 1 fd+2 events 0x10',
      'close ctl: 0',
      'ctl_read closed ctl: -9',
      'close the epoll fd: 0',
      'epoll_wait closed: -9',
      'close out: 0',
      'close bidi: 0',
    ]);
  });
});
