/**
 * fds and epoll as SPEAR's own tests and source define them: a C guest (c/fd_conformance.c)
 * runs each check on the real native core and prints one line per check; the lines are
 * asserted exactly. Each section of the guest names the SPEAR file and test it comes from
 * (hostcall/fd_table.rs, hostcall/types.rs, host_api/tests.rs, runtime/wasm_hostcalls.rs,
 * host_api/core.rs).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { runGuest } from '../../runtime';
import { assertTranscript, buildGuest, tmpDir } from './helpers';

describe('guest host: fds and epoll conform to SPEAR (c/fd_conformance.c on the native core)', () => {
  let dir: string;
  let guest: string;
  before(() => {
    dir = tmpDir('fd-conformance');
    guest = buildGuest('fd_conformance', dir);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('prints the expected line for every check', async () => {
    const r = await runGuest(guest, {});
    const expected = `== fd_table.rs test_ep_wait_sorted_dedup
ADD fd2: 0
ADD fd1: 0
fd1 < fd2: 1
records: 2
ascending: first is fd1: 1
ADD fd1 again (re-registered): 0
one record per fd: 2
== fd_table.rs test_ep_wait_timeout_empty
ADD IN: 0
wait 5: 0 len=0
== host_api/tests.rs test_cchat_response_fd_is_epollin
ADD IN: 0
response is EPOLLIN: 1
== types.rs poll_events_from_bits_truncate_masks_unknown_bits
MOD with every bit: 0
reported: 0x1
MOD with bit 1 only (no event): 0
nothing requested, nothing reported: 0 len=0
== host_api/tests.rs test_close_makes_epollhup, types.rs fd_entry_effective_poll_mask_adds_hup_when_closed
MOD IN|HUP: 0
cchat_close: 0
closed fd reported: 1 events=0x11
MOD IN only: 0
HUP only where requested: 1 events=0x1
== fd_table.rs close and fd_ctl: a closed fd stays known
cchat_close again: 0
GET_STATUS: 83 {"closed":true,"flags":[],"kind":"ChatResponse","poll_mask":["EPOLLIN","EPOLLHUP"]}
GET_KIND: 23 {"kind":"ChatResponse"}
GET_METRICS: 2 {}
SET_FLAGS on it: 0
GET_FLAGS: 24 {"flags":["O_NONBLOCK"]}
DEL it: 0
recv on it: -9
close a number never handed out: -9
cchat_close of an epoll fd closes it: 0
wait on it: -9 len=64
== fd_table.rs test_ep_close_unregisters_watchers
spear_epoll_close: 0
spear_epoll_close again: 0
ADD to a closed set: -9
wait on a closed set: -9 len=64
GET_STATUS of the set: 66 {"closed":true,"flags":[],"kind":"Epoll","poll_mask":["EPOLLHUP"]}
== fd_table.rs ep_ctl
MOD of an unwatched fd (watches it): 0
now reported: 1 fd=1005 events=0x1 len=8
DEL: 0
DEL of an unwatched fd: 0
epfd == fd (never opened): -22
unknown epfd, bad op: -9
unknown fd, bad op: -9
epfd not an epoll fd: -9
an epoll fd watched: -22
bad op: -22
== wasm_hostcalls.rs spear_ep_wait and spear_fd_ctl: what is checked first
capacity 4, unknown epfd: -28 len=8
unknown epfd: -9 len=64
unknown command, unknown fd: -22 len=4096
unknown fd: -9 len=4096
== fd_table.rs fd_ctl
GET_STATUS: 63 {"closed":false,"flags":[],"kind":"ChatSession","poll_mask":[]}
GET_STATUS of a ready response: 73 {"closed":false,"flags":[],"kind":"ChatResponse","poll_mask":["EPOLLIN"]}
GET_METRICS of an epoll fd: 2 {}
SET_FLAGS unknown name (ignored): 0
SET_FLAGS not an object (ignored): 0
SET_FLAGS set then clear: 0
GET_FLAGS: 12 {"flags":[]}
SET_FLAGS malformed: -22
SET_FLAGS: 0
GET_STATUS: 75 {"closed":false,"flags":["O_NONBLOCK"],"kind":"ChatSession","poll_mask":[]}
== core.rs time_now_ms: Unix-epoch milliseconds
after 2020: 1
within 2 s of wall_time_s: 1
== the fd cap (Linux: EMFILE at RLIMIT_NOFILE; SPEAR has none)
open fds at the cap: 65536
one more: -24
cchat_create at the cap: -24
closed them all: 1
epoll_create after (a new number): 1
== done
`;
    assertTranscript(r.stdout, expected);
    assert.equal(r.exitCode, 0);
  });
});
