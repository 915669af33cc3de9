/**
 * The hostcalls end to end, as SPEAR-ABI.md specifies them: a C guest (c/syscalls.c) runs
 * every check on the real native core through the guest host and prints one line per check;
 * the lines are asserted exactly. The chat backend is scripted so that readiness is
 * deterministic: "slow" is answered when the guest logs "release", "fail" fails with
 * ETIMEDOUT, anything else is the stub. Chat responses are compared byte for byte with what
 * the host's chat service produces for the same conversation.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { ChatError, runChat, stubComplete, type ChatRequest } from '../../runtime/chat';
import type { BackendChatRequest, ChatCompletion, JsonObject } from '../../runtime/chat';
import { runGuest } from '../../runtime';
import { buildGuest, EXPORT_TABLE, lines, tmpDir } from './helpers';

/** The stub transport's word for a frame: kWords[fnv1a32(bytes) >> 28] (native/core/rtasr_stub.hpp). */
const WORDS = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india', 'juliett', 'kilo', 'lima', 'mike', 'november', 'oscar', 'papa'];
function word(bytes: Uint8Array): string {
  let h = 2166136261;
  for (const b of bytes) h = Math.imul(h ^ b, 16777619) >>> 0;
  return WORDS[h >>> 28];
}

/** The guest's audio: x = x * 1103515245 + 12345 from 1, each byte (x >> 16) & 0xff. */
function audio(): Uint8Array {
  const out = new Uint8Array(4800);
  let x = 1;
  for (let i = 0; i < out.length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out[i] = (x >>> 16) & 0xff;
  }
  return out;
}

const SUM_SPEC: JsonObject = { type: 'function', function: { name: 'sum', parameters: { type: 'object' } } };

describe('guest host: the hostcalls end to end (c/syscalls.c on the native core)', () => {
  let dir: string;
  let guest: string;
  before(() => {
    dir = tmpDir('syscalls');
    guest = buildGuest('syscalls', dir, EXPORT_TABLE);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('prints the expected line for every check', async () => {
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    async function scripted(req: BackendChatRequest): Promise<ChatCompletion> {
      const last = [...req.messages].reverse().find((m) => m.role === 'user')?.content;
      if (last === 'slow') await released;
      if (last === 'fail') throw new ChatError('ETIMEDOUT', 'scripted failure');
      return stubComplete(req);
    }
    const backend = { name: 'scripted', complete: scripted };

    /** `N JSON`: what `cchat_recv` gives for this conversation, as the host produces it. */
    async function response(user: string, params: JsonObject, tool?: { output: string; rc?: number }): Promise<{ len: number; text: string }> {
      const request: ChatRequest = {
        messages: [{ role: 'user', content: user }],
        tools: tool ? [{ fnOffset: 1, spec: SUM_SPEC }] : [],
        params: { model: 'syscalls-model', ...params },
      };
      const stub = { name: 'scripted', complete: async (req: BackendChatRequest) => stubComplete(req) };
      const r = await runChat(request, stub, async () => ({ rc: tool?.rc ?? 0, output: tool?.output ?? '' }), { autoToolCall: tool !== undefined });
      const text = JSON.stringify(r.response);
      return { len: Buffer.byteLength(text), text };
    }
    const hello = await response('hello', { colour: 'blue' });
    const slow = await response('slow', {});
    const tool42 = await response('add 7 and 35', {}, { output: '{"sum":42}' });
    const tool42b = await response('add 19 and 23', {}, { output: '{"sum":42}' });
    const tool3 = await response('add 1 and 2', {}, { output: '{"sum":3}' });
    const noArena = await response('add 5 and 6', {}, { rc: -22, output: '' });
    const a = audio();
    const [w1, w2] = [word(a.subarray(0, 3200)), word(a.subarray(3200))];
    const delta = (w: string): string => `{"type":"transcription.delta","delta":"${w}"}`;
    const completed = `{"type":"transcription.completed","transcript":"${w1} ${w2}"}`;
    const zeros = word(new Uint8Array(3200));

    const warnings: string[] = [];
    const r = await runGuest(guest, {
      backend,
      auditErrnos: true,
      onLog: (e) => {
        if (e.message === 'release') release();
      },
      onWarning: (m) => warnings.push(m),
    });

    const expected = `== fds and epoll_ctl
epoll_create: 1000
epoll_create: 1001
cchat_create: 1002
rtasr_create: 1003
ADD chat: 0
ADD chat again: 0
MOD unwatched: 0
DEL unwatched: 0
ADD the epfd to itself: -22
ADD an epoll fd: -22
ADD fd 999: -9
ADD fd 5000 never opened: -9
op 9: -22
unknown event bit 0x100: 0
epfd that is a chat fd: -9
MOD chat: 0
DEL chat: 0
DEL chat again: 0
close ep2: 0
close ep2 again: 0
epoll_close on an rtasr fd (closes any kind): 0
rtasr_close of it again: 0
epoll_create after closes (never reused): 1004
== epoll_wait
ADD session (never ready): 0
timeout 0: 0 len=0
timeout 50: 0 len=0
waited >= 50 ms: 1
capacity 4: -28 len=8
out_ptr beyond memory: -14
out range past the end: -14
len_ptr beyond memory: -14
epfd 999: -9
epfd that is a chat fd: -9
DEL session: 0
== fd_ctl
GET_KIND session: 22 {"kind":"ChatSession"}
GET_KIND epoll: 16 {"kind":"Epoll"}
GET_KIND capacity 4: -28 len=22
GET_FLAGS: 12 {"flags":[]}
SET_FLAGS set O_NONBLOCK: 0
GET_FLAGS: 24 {"flags":["O_NONBLOCK"]}
SET_FLAGS clear O_NONBLOCK: 0
GET_FLAGS: 12 {"flags":[]}
SET_FLAGS unknown flag: 0
SET_FLAGS malformed JSON: -22
SET_FLAGS set and clear: 0
unknown command 99: -22 len=64
fd 999: -9 len=64
arg beyond memory: -14
GET_STATUS session: 63 {"closed":false,"flags":[],"kind":"ChatSession","poll_mask":[]}
== chat
cchat_create: 1005
SET_PARAM model: 0
SET_PARAM temperature 9: -22
SET_PARAM malformed: -22
SET_PARAM unknown key: 0
write_msg: 0
write_msg empty role: -22
write_msg fd 999: -9
write_msg on an epoll fd: -9
write_msg content beyond memory: -14
write_fn not a tool: -22
send unknown flag 0x4: -22
send on an epoll fd: -9
send: 1006
ADD response IN: 0
wait -1: 1 fd=1006 events=0x1 len=8
GET_KIND response: 23 {"kind":"ChatResponse"}
recv capacity 10: -28 len=${hello.len}
recv: ${hello.len} ${hello.text}
recv after the end: 0 
still IN after the end: 1 fd=1006 events=0x1 len=8
SET_PARAM on a response: -9
cchat_close response: 0
cchat_close response again: 0
closed fd stays in the set: 1 fd=1006 events=0x1 len=8
GET_STATUS closed fd: 83 {"closed":true,"flags":[],"kind":"ChatResponse","poll_mask":["EPOLLIN","EPOLLHUP"]}
MOD closed fd to HUP: 0
closed fd reports HUP: 1 fd=1006 events=0x10 len=8
DEL closed fd: 0
recv closed fd: -9
cchat_close fd 999: -9
-- O_NONBLOCK and timeouts
send slow: 1008
SET_FLAGS O_NONBLOCK: 0
recv before ready: -11 len=65536
ADD: 0
wait 30 before ready: 0 len=0
wait -1 after release: 1 fd=1008 events=0x1 len=8
recv: ${slow.len} ${slow.text}
DEL: 0
-- failure
send fail: 1010
ADD IN only: 0
wait -1 (IN: a read does not block; ERR not asked): 1 fd=1010 events=0x1 len=8
recv: -110 len=65536
recv again: -110 len=65536
DEL: 0
-- rotation
responses: 1011 1012 1013
all three ready: 3
all three in ascending order: 1
one record at a time visits each once, in ascending order round the set, then again: 1
close the first: 0
the first closed (still watched, IN): 3, sorted: 1011 1012 1013
== tools
send AUTO_TOOL_CALL: 1015
ADD: 0
wait -1 (the tool runs inside): 1 fd=1015 events=0x1 len=8
recv: ${tool42.len} ${tool42.text}
send AUTO_TOOL_CALL|ENABLE_METRICS: 1017
blocking recv (the tool runs inside): ${tool42b.len} ${tool42b.text}
GET_METRICS response: 1
tool closes epfd 1018: 0
wait on an epfd the tool closes: -9
recv: ${tool3.len} ${tool3.text}
no tool arena: ${noArena.len} ${noArena.text}
== rtasr
rtasr_create: 1023
SET_FLAGS O_NONBLOCK: 0
read before CONNECT: -107 len=256
write before CONNECT: -107
FLUSH before CONNECT: -107
SET_PARAM transport stub: 0
SET_PARAM transport ws: -22
SET_PARAM sample_rate 16000: 0
SET_AUTOFLUSH none: 0
unknown command 42: -22
CONNECT: 0
CONNECT again: -22
read nothing yet: -11 len=256
ADD IN|OUT|HUP: 0
wait (writable): 1 fd=1023 events=0x4 len=8
write a frame: 3200
write half a frame: 1600
write from beyond memory: -14
wait (readable and writable): 1 fd=1023 events=0x5 len=8
read capacity 8: -28 len=${delta(w1).length}
read: ${delta(w1).length} ${delta(w1)}
FLUSH: 0
write after FLUSH: -32
wait (draining): 1 fd=1023 events=0x1 len=8
read: ${delta(w2).length} ${delta(w2)}
read: ${completed.length} ${completed}
wait (closed: HUP): 1 fd=1023 events=0x10 len=8
wait (HUP again: level-triggered): 1 fd=1023 events=0x10 len=8
read at the end: 0 
write when closed: -32
GET_KIND: 16 {"kind":"RtAsr"}
DEL: 0
no HUP once DELeted: 0 len=0
ADD IN again: 0
no HUP (not asked for): 0 len=0
rtasr_close: 0
rtasr_close again: 0
closed fd, watched for IN only: nothing: 0 len=0
MOD closed fd to HUP: 0
closed fd: HUP: 1 fd=1023 events=0x10 len=8
DEL closed fd: 0
-- a full send queue
SET_PARAM send_queue_bytes 4000: 0
SET_PARAM stub_paused: 0
CONNECT: 0
SET_FLAGS O_NONBLOCK: 0
write 3200: 3200
write 3200 (800 fit): 800
write 3200 (full): -11
ADD OUT: 0
wait (not writable): 0 len=0
SET_PARAM stub_paused false: 0
wait (writable again): 1 fd=1024 events=0x4 len=8
SET_PARAM stub_error: 0
wait (ERR not asked for): 0 len=0
MOD OUT|ERR: 0
wait (ERR): 1 fd=1024 events=0x8 len=8
read: ${delta(zeros).length} ${delta(zeros)}
read: 43 {"type":"error","error":{"message":"boom"}}
read: -5 len=256
write in ERROR: -32
== util
sleep_ms(20) slept >= 20 ms: 1
time_now_ms advanced: 1
wall_time_s after 2020: 1
random_i64 differs: 1
sleep_ms(-5): returned
mic_create: -38
user_stream_open: -38
user_stream_ctl_open: -38
== done
`;
    const got = lines(r.stdout);
    const want = lines(expected);
    for (let i = 0; i < Math.max(got.length, want.length); i++) {
      assert.equal(got[i], want[i], `line ${i + 1}`);
    }
    assert.equal(r.exitCode, 0);
    assert.deepEqual(warnings, ['the guest registered tools but set no tool arena (tool_arena_ptr, tool_arena_len)']);
    assert.deepEqual(r.audit?.violations, []);
  });
});
