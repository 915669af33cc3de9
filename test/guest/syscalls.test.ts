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
import { assertTranscript, buildGuest, EXPORT_TABLE, tmpDir } from './helpers';

/** `N TEXT`: a result as the guest prints it (its byte length, then the text). */
function out(text: string): string {
  return `${Buffer.byteLength(text)} ${text}`;
}

/** SPEAR's rtasr GET_STATUS (keys sorted, as serde_json writes them). */
function rtasrStatus(state: string, maxSend: number, sendBytes: number): string {
  return JSON.stringify({ dropped_events: 0, last_error: null, max_recv_queue_bytes: 1048576, max_send_queue_bytes: maxSend, recv_queue_bytes: 0, send_queue_bytes: sendBytes, state });
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
      return stubComplete({ ...req, request_id: undefined }, 0);
    }
    const backend = { name: 'scripted', complete: scripted };

    /** `N JSON`: what `cchat_recv` gives for this conversation, as the host produces it. */
    async function response(user: string, params: JsonObject, tool?: { output: string; rc?: number }): Promise<{ len: number; text: string }> {
      const request: ChatRequest = {
        messages: [{ role: 'user', content: user }],
        tools: tool ? [{ fnOffset: 1, spec: SUM_SPEC }] : [],
        params: { model: 'syscalls-model', ...params },
      };
      const stub = { name: 'scripted', complete: async (req: BackendChatRequest) => stubComplete({ ...req, request_id: undefined }, 0) };
      const r = await runChat(request, stub, async () => ({ rc: tool?.rc ?? 0, output: tool?.output ?? '' }), { autoToolCall: tool !== undefined });
      const text = JSON.stringify(r.response);
      return { len: Buffer.byteLength(text), text };
    }
    const hello = await response('hello', { colour: 'blue' });
    const failed = JSON.stringify({ error: { message: 'ETIMEDOUT: scripted failure' } });
    const slow = await response('slow', {});
    const tool42 = await response('add 7 and 35', {}, { output: '{"sum":42}' });
    const tool42b = await response('add 19 and 23', {}, { output: '{"sum":42}' });
    const tool3 = await response('add 1 and 2', {}, { output: '{"sum":3}' });
    const noArena = await response('add 5 and 6', {}, { rc: -22, output: '' });
    const stubEvent = '{"seq":1,"text":"aaaaaaaaaa","type":"transcription.delta"}';

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
SET_PARAM temperature 9: 0
SET_PARAM malformed: -5
SET_PARAM unknown key: 0
write_msg: 0
write_msg empty role: 0
write_msg fd 999: -9
write_msg on an epoll fd: -9
write_msg content beyond memory: -14
write_fn not a tool: 0
send on an epoll fd: -9
send (flag bit 0x4 ignored): 1006
ADD response IN: 0
wait -1: 1 fd=1006 events=0x1 len=8
GET_KIND response: 23 {"kind":"ChatResponse"}
recv capacity 10: -28 len=${hello.len}
recv: ${hello.len} ${hello.text}
recv after the end: 0 
still IN after the end: 1 fd=1006 events=0x1 len=8
SET_PARAM on a response: 0
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
wait -1 (a failed request is readable): 1 fd=1010 events=0x1 len=8
recv: ${failed.length} ${failed}
recv again: 0 
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
GET_STATUS: ${out(rtasrStatus('Init', 1048576, 0))}
GET_AUTOFLUSH: ${out('{"client_commit":null,"flush_on_close":false,"strategy":"server_vad","vad":{"prefix_padding_ms":300,"silence_ms":500,"threshold":0.5}}')}
read before CONNECT (blocking fd): -11 len=256
SET_PARAM max_send_queue_bytes 4000: 0
SET_PARAM no key: -22
unknown command 42: -22
ADD IN|OUT: 0
wait (writable): 1 fd=1023 events=0x4 len=8
write before CONNECT: 3200
write 3200 (800 would fit: none queued): -11
write 800: 800
write from beyond memory: -14
wait (full: not writable): 0 len=0
FLUSH (full): -11
write 1 (full): -11
GET_STATUS: ${out(rtasrStatus('Configured', 4000, 4000))}
SET_PARAM stub_event_interval_ms 0: 0
SET_PARAM stub_event_payload_bytes 90: 0
CONNECT: 0
CONNECT again: 0
MOD IN: 0
wait -1 (an event without audio): 1 fd=1023 events=0x1 len=8
read capacity 8: -28 len=${stubEvent.length}
read: ${out(stubEvent)}
GET_KIND: 16 {"kind":"RtAsr"}
DEL: 0
ADD IN again: 0
rtasr_close: 0
rtasr_close again: 0
write after close: -9
closed fd, watched for IN only: nothing: 0 len=0
MOD closed fd to HUP: 0
closed fd: HUP: 1 fd=1023 events=0x10 len=8
DEL closed fd: 0
-- autoflush
SET_AUTOFLUSH client_commit: 0
GET_AUTOFLUSH: ${out('{"client_commit":{"flush_interval_ms":null,"max_buffer_bytes":123,"min_flush_gap_ms":7,"silence_ms":null},"flush_on_close":false,"strategy":"client_commit","vad":null}')}
SET_AUTOFLUSH legacy silence: 0
GET_AUTOFLUSH: ${out('{"client_commit":null,"flush_on_close":false,"strategy":"server_vad","vad":{"prefix_padding_ms":300,"silence_ms":250,"threshold":0.5}}')}
SET_AUTOFLUSH unknown strategy: -22
SEND_EVENT: 0
GET_STATUS: ${out(rtasrStatus('Init', 1048576, '{"b":1,"type":"t"}'.length))}
== util
sleep_ms(20) slept >= 20 ms: 1
time_now_ms advanced: 1
wall_time_s after 2020: 1
random_i64 differs: 1
sleep_ms(-5): returned
== done
`;
    assertTranscript(r.stdout, expected);
    assert.equal(r.exitCode, 0);
    // The scripted model failure reaches the guest as its error body and the host as a warning (no onBackendError).
    assert.deepEqual(warnings, ['chat backend failed: ETIMEDOUT: scripted failure', 'the guest registered tools but set no tool arena (tool_arena_ptr, tool_arena_len)']);
    assert.deepEqual(r.audit?.violations, []);
  });
});
