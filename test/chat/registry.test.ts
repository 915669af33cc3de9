/** Backends from the host's options and environment; what a guest may select. */
import assert from 'node:assert/strict';
import * as util from 'node:util';
import { ChatError } from '../../runtime/chat/errors';
import type { OpenAIBackend } from '../../runtime/chat/openai';
import { createChatBackend, createChatBackends, DEFAULT_BACKEND_TIMEOUT_MS } from '../../runtime/chat/registry';
import type { BackendCallOptions, BackendChatRequest, ChatCompletion } from '../../runtime/chat/types';
import { completion, sendJson, startFakeServer, type FakeServer } from './helpers/fake-openai';
import { textReply } from './helpers/scripted';

const KEY = 'sk-env-KEY-0123456789';
const ask = { model: 'm', messages: [{ role: 'user' as const, content: 'hi' }] };
const opts = (): BackendCallOptions => ({ signal: new AbortController().signal });

function throwsChat(f: () => unknown, code: string): void {
  assert.throws(f, (e: unknown) => e instanceof ChatError && e.code === code);
}

describe('chat backend registry', () => {
  let server: FakeServer;
  before(async () => {
    server = await startFakeServer();
    server.handle((_req, res) => sendJson(res, 200, completion({ content: 'from server' })));
  });
  after(() => server.close());
  beforeEach(() => {
    server.seen.length = 0;
  });

  it('defaults to the stub with no model (SPEAR\'s stub echoes ""), even when OpenAI variables are set', () => {
    const b = createChatBackend({}, { OPENAI_API_KEY: KEY, OPENAI_BASE_URL: server.baseUrl });
    assert.equal(b.name, 'stub');
    assert.equal(b.defaultModel, undefined);
  });

  it('HOSTWIRE_MODEL sets the default model; the model option wins over it', () => {
    assert.equal(createChatBackend({}, { HOSTWIRE_MODEL: 'env-model' }).defaultModel, 'env-model');
    assert.equal(createChatBackend({ model: 'opt-model' }, { HOSTWIRE_MODEL: 'env-model' }).defaultModel, 'opt-model');
  });

  it('openai reads HOSTWIRE_OPENAI_BASE_URL before OPENAI_BASE_URL, and OPENAI_API_KEY', async () => {
    const b = createChatBackend({ backend: 'openai' }, { HOSTWIRE_OPENAI_BASE_URL: server.baseUrl, OPENAI_BASE_URL: 'http://127.0.0.1:1/v1', OPENAI_API_KEY: KEY });
    assert.equal(b.name, 'openai');
    const reply = await b.complete(ask, opts());
    assert.equal(reply.choices[0].message.content, 'from server');
    assert.equal(server.seen[0].headers.authorization, `Bearer ${KEY}`);
  });

  it('openai options win over the environment', async () => {
    const b = createChatBackend(
      { backend: 'openai', backendUrl: server.baseUrl, apiKey: 'sk-option', model: 'opt' },
      { HOSTWIRE_OPENAI_BASE_URL: 'http://127.0.0.1:1/v1', OPENAI_API_KEY: KEY, HOSTWIRE_MODEL: 'env' },
    );
    assert.equal(b.defaultModel, 'opt');
    await b.complete(ask, opts());
    assert.equal(server.seen[0].headers.authorization, 'Bearer sk-option');
  });

  it('openai waits 2 minutes for a call by default; the timeoutMs option changes it, 0 removes it', () => {
    const timeout = (timeoutMs?: number): number | undefined =>
      (createChatBackend(timeoutMs === undefined ? { backend: 'openai' } : { backend: 'openai', timeoutMs }, {}) as OpenAIBackend).defaultTimeoutMs;
    assert.equal(DEFAULT_BACKEND_TIMEOUT_MS, 120_000);
    assert.equal(timeout(), 120_000);
    assert.equal(timeout(1500), 1500);
    assert.equal(timeout(0), undefined);
  });

  it('openai without a model anywhere has no default model', () => {
    assert.equal(createChatBackend({ backend: 'openai', backendUrl: server.baseUrl }, {}).defaultModel, undefined);
  });

  it('takes a user backend as a function or an object', async () => {
    const seen: BackendChatRequest[] = [];
    async function myBackend(req: BackendChatRequest): Promise<ChatCompletion> {
      seen.push(req);
      return Promise.resolve(textReply('mine'));
    }
    const fromFn = createChatBackend({ backend: myBackend, model: 'x' }, {});
    assert.equal(fromFn.name, 'myBackend');
    assert.equal(fromFn.defaultModel, 'x');
    assert.equal((await fromFn.complete(ask, opts())).choices[0].message.content, 'mine');
    assert.equal(seen.length, 1);

    const fromObj = createChatBackend({ backend: { name: 'acme', defaultModel: 'acme-1', complete: myBackend } }, {});
    assert.equal(fromObj.name, 'acme');
    assert.equal(fromObj.defaultModel, 'acme-1');
    assert.equal(createChatBackend({ backend: (req) => myBackend(req) }, {}).name, 'backend');
  });

  it('rejects an unknown backend: EINVAL', () => {
    throwsChat(() => createChatBackend({ backend: 'anthropic' as never }, {}), 'EINVAL');
    throwsChat(() => createChatBackend({ backend: { name: 'x' } as never }, {}), 'EINVAL');
  });

  it('select: the default, "stub" always; a built-in not enabled is EPERM, an unknown name EINVAL', () => {
    const stubHost = createChatBackends({}, {});
    assert.equal(stubHost.select(), stubHost.default);
    assert.equal(stubHost.select('stub'), stubHost.default);
    throwsChat(() => stubHost.select('openai'), 'EPERM');
    throwsChat(() => stubHost.select('https://evil.example/v1'), 'EINVAL');

    const openaiHost = createChatBackends({ backend: 'openai', backendUrl: server.baseUrl }, {});
    assert.equal(openaiHost.select('openai'), openaiHost.default);
    assert.equal(openaiHost.select('stub').name, 'stub');
  });

  it('keeps the key out of the registry and its backends when inspected', () => {
    const reg = createChatBackends({ backend: 'openai' }, { OPENAI_BASE_URL: server.baseUrl, OPENAI_API_KEY: KEY });
    assert.ok(!util.inspect(reg, { depth: 10, showHidden: true }).includes(KEY));
  });
});
