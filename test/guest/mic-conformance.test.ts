/**
 * mic fds as SPEAR's own tests and source define them: a C guest (c/mic_conformance.c) runs
 * each check on the real native core and prints one line per check; the lines are asserted
 * exactly. Each section of the guest names the SPEAR file and test it comes from
 * (host_api/tests.rs test_mic_read_epollin_and_close_hup and
 * test_mic_stub_pcm16_base64_loops, host_api/mic/mod.rs, mic/source_stub.rs,
 * mic/source_device.rs, runtime/wasm_hostcalls.rs, hostcall/fd_table.rs).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { runGuest } from '../../runtime';
import { assertTranscript, buildGuest, tmpDir } from './helpers';

describe('guest host: mic fds conform to SPEAR (c/mic_conformance.c on the native core)', () => {
  let dir: string;
  let guest: string;
  before(() => {
    dir = tmpDir('mic-conformance');
    guest = buildGuest('mic_conformance', dir);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('prints the expected line for every check', async () => {
    const r = await runGuest(guest, {});
    const expected = `== host_api/tests.rs test_mic_read_epollin_and_close_hup
mic_create is an fd: 1
ADD IN|HUP|ERR: 0
SET_PARAM stub: 0
EPOLLIN: 1 events=0x1
read a frame (24000 Hz * 20 ms * 2 bytes, silence): 960 len=960 bytes=000000000000000000000000000000000000000000000000
mic_close: 0
EPOLLHUP (a frame may have come too): 1 events=0x10
mic_close again: 0
read after close: -9 len=4096
GET_STATUS after close: -9
SET_PARAM after close, malformed: -22
SET_PARAM after close: -9
== host_api/tests.rs test_mic_stub_pcm16_base64_loops
ADD IN: 0
SET_PARAM: 0
EPOLLIN: 1 events=0x1
frame 1 (from offset 0): 20 len=20 bytes=0100020003000400010002000300040001000200
EPOLLIN: 1 events=0x1
frame 2 (from offset 4): 20 len=20 bytes=0300040001000200030004000100020003000400
mic_close: 0
== mic/mod.rs mic_create and GET_STATUS
GET_STATUS of a new fd: 124 {"config":null,"dropped_frames":0,"generation":0,"last_error":null,"max_queue_bytes":524288,"queue_bytes":0,"running":false}
read with nothing queued: -11 len=64
GET_STATUS, 8 bytes of room: -28
needed length: 124
GET_STATUS, no room: -28
needed length: 124
== mic/mod.rs SET_PARAM: defaults, casts, kept fields, errors
SET_PARAM with no payload (wasm_hostcalls.rs: length 0): -22
SET_PARAM malformed: -22
unknown command: -22
unknown fd: -9
SET_PARAM float frame_ms (default), rate and channels cut to u32 and u8: 0
GET_STATUS: 177 {"config":{"channels":1,"format":"s16","frame_ms":20,"sample_rate_hz":5},"dropped_frames":0,"generation":1,"last_error":null,"max_queue_bytes":64,"queue_bytes":0,"running":true}
SET_PARAM without max_queue_bytes: 0
GET_STATUS (max_queue_bytes kept): 190 {"config":{"channels":1,"format":"pcm16","frame_ms":100000000,"sample_rate_hz":24000},"dropped_frames":0,"generation":2,"last_error":null,"max_queue_bytes":64,"queue_bytes":0,"running":true}
SET_PARAM bad base64: -22
GET_STATUS (reset, left stopped): 184 {"config":{"channels":1,"format":"pcm16","frame_ms":20,"sample_rate_hz":24000},"dropped_frames":0,"generation":3,"last_error":null,"max_queue_bytes":64,"queue_bytes":0,"running":false}
SET_PARAM on an rtasr fd: -9
SET_PARAM on an rtasr fd, malformed: -22
GET_STATUS on an rtasr fd: -9
unknown command on an rtasr fd: -22
read on an rtasr fd: -9 len=64
== mic/source_stub.rs and mic/mod.rs mic_read: one frame per read, room too small
SET_PARAM 8000 Hz, 2 channels, 5 ms: 0
EPOLLIN: 1 events=0x1
read with 10 bytes of room (frame left queued): -28 len=160
read with room (80 samples * 2 channels * 2 bytes): 160 len=160 bytes=000000000000000000000000000000000000000000000000
== mic/source_device.rs without mic-device: source "device"
device, fallback.to_stub false: -5
GET_STATUS: 243 {"config":{"channels":1,"format":"pcm16","frame_ms":20,"sample_rate_hz":24000},"dropped_frames":0,"generation":6,"last_error":"device mic not enabled (build without feature mic-device)","max_queue_bytes":524288,"queue_bytes":0,"running":false}
EPOLLERR: 1 events=0x8
read: -11 len=4096
device, fallback by default: 0
EPOLLIN (the stub): 1 events=0x1
read: 20 len=20 bytes=0000000000000000000000000000000000000000
mic_close: 0
== hostcall/fd_table.rs fd_ctl on a mic fd
GET_KIND: 14
kind: {"kind":"Mic"}
GET_METRICS: 2
metrics: {}
GET_STATUS after close: 64
status: {"closed":true,"flags":[],"kind":"Mic","poll_mask":["EPOLLHUP"]}
`;
    assertTranscript(r.stdout, expected);
    assert.equal(r.exitCode, 0);
  });
});
