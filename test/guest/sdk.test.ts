/** The SDK surface (runtime/index.ts): hosting a guest in a few lines, and what else it exports. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as sdk from '../../runtime';
import { EpollEventCodec, Errno, Guest, HostwireError, runGuest, Session, type ChatCompleteFn, type GuestLogEntry } from '../../runtime';
import { buildExample, tmpDir } from './helpers';

describe('guest host: the SDK', () => {
  let dir: string;
  before(() => {
    dir = tmpDir('sdk');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('hosts a guest in a few lines, with a backend written as a function', async () => {
    const backend: ChatCompleteFn = async (req) => ({
      id: 'local-1',
      object: 'chat.completion',
      created: 0,
      model: req.model,
      choices: [{ index: 0, message: { role: 'assistant', content: `${req.messages.length} messages` }, finish_reason: 'stop' }],
    });
    const logs: GuestLogEntry[] = [];
    const g = await Guest.load(buildExample('chat_completion', dir), { backend, onLog: (e) => logs.push(e) });
    const { exitCode, stdout, stderr } = await g.run();
    const full = JSON.stringify({
      id: 'local-1',
      object: 'chat.completion',
      created: 0,
      model: 'stub-model',
      choices: [{ index: 0, message: { role: 'assistant', content: '2 messages' }, finish_reason: 'stop' }],
      _spear: { backend: 'backend', model: 'stub-model' },
    });
    assert.deepEqual({ exitCode, stdout, stderr, logs }, { exitCode: 0, stdout: `response (${full.length} bytes): ${full.slice(0, 60)}\n`, stderr: '', logs: [] });
  });

  it('onBackendError is told of a failed model call, with its errno, while the guest gets the error body; no warning', async () => {
    const seen: [string, string][] = [];
    const warnings: string[] = [];
    const backend: ChatCompleteFn = async () => {
      throw new sdk.ChatError('EIO', 'the model is down');
    };
    const r = await runGuest(buildExample('chat_completion', dir), {
      backend,
      onBackendError: (e) => seen.push([e.code, e.message]),
      onWarning: (m) => warnings.push(m),
    });
    assert.deepEqual(seen, [['EIO', 'EIO: the model is down']]);
    assert.deepEqual(warnings, []);
    assert.equal(r.stdout, 'response (46 bytes): {"error":{"message":"EIO: the model is down"}}\n');
    assert.equal(r.exitCode, 0);
  });

  it('runGuest(path, options) is load + run', async () => {
    const r = await runGuest(buildExample('hello', dir), { onLog: () => undefined });
    assert.deepEqual({ exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr }, { exitCode: 0, stdout: 'hello from a hostwire guest\nputs line\n', stderr: 'fprintf to stderr\n' });
  });

  it("a stdio option that is no target is Node's ERR_INVALID_ARG_VALUE naming it, and the guest does not start", async () => {
    const wasm = buildExample('hello', dir);
    const refused = async (options: Parameters<typeof runGuest>[1], message: string) =>
      assert.rejects(runGuest(wasm, options), (e: unknown) => {
        assert.ok(e instanceof TypeError);
        assert.equal((e as TypeError & { code?: string }).code, 'ERR_INVALID_ARG_VALUE');
        assert.equal(e.message, message);
        return true;
      });
    await refused({ stdout: 'file' as 'pipe' }, "The property 'options.stdout' must be 'inherit', 'pipe' or a file descriptor. Received 'file'");
    await refused({ stderr: -1 }, "The property 'options.stderr' must be 'inherit', 'pipe' or a file descriptor. Received -1");
    await refused({ stdout: 1.5 }, "The property 'options.stdout' must be 'inherit', 'pipe' or a file descriptor. Received 1.5");
  });

  it('exports the native Session class typed by the generated SDK, HostwireError, Errno and the codecs', () => {
    const s = new Session({ channels: 2 });
    assert.ok(s instanceof Session);
    assert.equal(typeof s.listen, 'function');
    assert.equal(new HostwireError(-Errno.EBADF).code, 'EBADF');
    assert.equal(EpollEventCodec.size, 8);
    assert.deepEqual(EpollEventCodec.decode(EpollEventCodec.encode({ fd: 1000, events: 1 })), { fd: 1000, events: 1 });
    for (const name of ['Guest', 'runGuest', 'checkGuestAbi', 'GuestAbiError', 'GuestLinkError', 'createSpearImports', 'HOSTCALLS', 'main', 'loadNative']) {
      assert.equal(typeof (sdk as Record<string, unknown>)[name], name === 'HOSTCALLS' ? 'object' : 'function', name);
    }
  });
});
