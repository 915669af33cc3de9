/**
 * MCP tool servers for chat, as SPEAR (lfedgeai/SPEAR src/spearlet/execution/host_api/cchat.rs
 * cchat_ctl_set_param, cchat_inject_mcp_tools, cchat_exec_mcp_tool, cchat_send_with_tools;
 * src/spearlet/mcp/policy.rs, client.rs, task_subset.rs; src/sms/service.rs
 * bootstrap_mcp_from_dir). A C guest of ours (test/guest/c/mcp_chat.c) chats with a local
 * OpenAI-compatible server that asks for an MCP tool; the tool runs on an MCP server written
 * with the MCP SDK (fixtures/fs-server.ts) that the host spawns from a directory of server files.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runGuest, type GuestOptions } from '../../runtime';
import { namespacedToolName } from '../../runtime/mcp';
import { completion, sendJson, startFakeServer, type FakeServer, type SeenRequest } from '../chat/helpers/fake-openai';
import { buildGuest, lines, runCli, tmpDir } from '../guest/helpers';

const SERVER_JS = path.join(__dirname, 'fixtures', 'fs-server.js');

interface ToolDef {
  type: string;
  function: { name: string; description: string; parameters: unknown };
}
interface Body {
  tools?: ToolDef[];
  messages: { role: string; content: string | null; tool_call_id?: string }[];
}

describe('MCP tool servers for chat (c/mcp_chat.c)', () => {
  let dir: string;
  let root: string;
  let mcpDir: string;
  let wasm: string;
  let server: FakeServer;

  const writeServer = (file: string, text: string): void => fs.writeFileSync(path.join(mcpDir, file), text);

  before(async () => {
    dir = tmpDir('mcp-chat');
    root = path.join(dir, 'root');
    mcpDir = path.join(dir, 'mcp.d');
    fs.mkdirSync(root);
    fs.mkdirSync(mcpDir);
    fs.writeFileSync(path.join(root, 'notes.txt'), 'line one\nline two\nline three\n');
    // The working server: a generous budget, as the spawn of a node server may be slow here.
    writeServer(
      'fs.toml',
      [
        'server_id = "fs"',
        'transport = "stdio"',
        'allowed_tools = ["read_*", "list_*", "big_*", "env_*"]',
        '[stdio]',
        'command = "node"',
        `args = [${JSON.stringify(SERVER_JS)}, ${JSON.stringify(root)}]`,
        'env = { MCP_TEST_SECRET = "${ENV:MCP_TEST_SECRET_SRC:-fallback-value}" }',
        '[budgets]',
        'tool_timeout_ms = 60000',
      ].join('\n'),
    );
    // A server that cannot start.
    writeServer('broken.json', JSON.stringify({ server_id: 'broken', transport: 'stdio', allowed_tools: ['*'], stdio: { command: path.join(dir, 'no-such-command') } }));
    // A server that never answers within its budget (100 ms, SPEAR's floor).
    writeServer(
      'slow.json',
      JSON.stringify({ server_id: 'slow', transport: 'stdio', allowed_tools: ['*'], stdio: { command: 'node', args: [SERVER_JS, root] }, budgets: { tool_timeout_ms: 1 } }),
    );
    // Files SPEAR skips: not a server, an unknown transport, no command, another extension.
    writeServer('bad.toml', 'server_id = ');
    writeServer('ws.json', JSON.stringify({ server_id: 'ws', transport: 'websocket', stdio: { command: 'node' } }));
    writeServer('nocmd.json', JSON.stringify({ server_id: 'nocmd', transport: 'stdio', stdio: { command: '' } }));
    writeServer('notes.txt', 'server_id = "txt"');
    wasm = buildGuest('mcp_chat', dir);
    server = await startFakeServer();
  });
  after(async () => {
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const openai = (): GuestOptions => ({ backend: 'openai', backendUrl: server.baseUrl, apiKey: 'sk-test' });

  /** The fake model: asks for `call` (name, arguments) first, then answers with the tool message it got. */
  function modelCalls(name: string, args: string): void {
    server.seen.length = 0;
    server.handle((req: SeenRequest, res) => {
      const body = req.body as Body;
      const tool = body.messages.find((m) => m.role === 'tool');
      if (tool === undefined) {
        sendJson(res, 200, completion({ content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name, arguments: args } }] }, 'tool_calls'));
      } else {
        sendJson(res, 200, completion({ content: `tool said: ${tool.content}` }));
      }
    });
  }

  /** The guest's final body's content (the model's echo of the tool message). */
  function toolMessage(stdout: string): string {
    const body = lines(stdout).find((l) => l.startsWith('body: '));
    assert.ok(body !== undefined, stdout);
    const v = JSON.parse(body.slice('body: '.length)) as { choices: { message: { content: string } }[] };
    return v.choices[0].message.content.replace(/^tool said: /, '');
  }

  const offered = (i: number): string[] => ((server.seen[i].body as Body).tools ?? []).map((t) => t.function.name);

  const READ_FILE = namespacedToolName('fs', 'read_file');

  it('a read tool of the fs server is offered under its namespaced name and its real result reaches the model and the guest', async () => {
    assert.equal(READ_FILE, 'mcp__ZnM__cmVhZF9maWxl');
    modelCalls(READ_FILE, '{"path":"notes.txt"}');
    const r = await runGuest(wasm, { ...openai(), args: ['chat', '["fs"]'], mcp: { dir: mcpDir } });
    assert.equal(r.stderr, '');
    assert.equal(r.exitCode, 0);
    assert.deepEqual(lines(r.stdout).slice(0, 4), ['model: 0', 'enable: 0', 'servers: 0', 'write_msg: 0']);
    // Offered after the guest's own tools (none), in the server's order, filtered by allowed_tools.
    assert.deepEqual(offered(0), ['mcp__ZnM__cmVhZF9maWxl', 'mcp__ZnM__bGlzdF9kaXI', 'mcp__ZnM__YmlnX3RleHQ', 'mcp__ZnM__ZW52X3ZhbHVl']);
    const def = (server.seen[0].body as Body).tools![0];
    assert.deepEqual(def, {
      type: 'function',
      function: { name: READ_FILE, description: 'Read a text file', parameters: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] } },
    });
    const expected = JSON.stringify({ content: [{ type: 'text', text: 'line one\nline two\nline three\n' }] });
    const second = server.seen[1].body as Body;
    assert.deepEqual(second.messages.at(-1), { role: 'tool', content: expected, tool_call_id: 'call_1' });
    assert.equal(toolMessage(r.stdout), expected);
  });

  it('the dotted name mcp.<server>.<tool> runs the tool too', async () => {
    modelCalls('mcp.fs.list_dir', '{"path":"."}');
    const r = await runGuest(wasm, { ...openai(), args: ['chat', '["fs"]'], mcp: { dir: mcpDir } });
    assert.equal(toolMessage(r.stdout), JSON.stringify({ content: [{ type: 'text', text: 'notes.txt' }] }));
  });

  it('${ENV:VAR:-default} in the server env is resolved from the host environment at spawn', async () => {
    modelCalls(namespacedToolName('fs', 'env_value'), '{"name":"MCP_TEST_SECRET"}');
    delete process.env.MCP_TEST_SECRET_SRC;
    const r1 = await runGuest(wasm, { ...openai(), args: ['chat', '["fs"]'], mcp: { dir: mcpDir } });
    assert.equal(toolMessage(r1.stdout), JSON.stringify({ content: [{ type: 'text', text: 'fallback-value' }] }));
    process.env.MCP_TEST_SECRET_SRC = 'from-host';
    try {
      const r2 = await runGuest(wasm, { ...openai(), args: ['chat', '["fs"]'], mcp: { dir: mcpDir } });
      assert.equal(toolMessage(r2.stdout), JSON.stringify({ content: [{ type: 'text', text: 'from-host' }] }));
    } finally {
      delete process.env.MCP_TEST_SECRET_SRC;
    }
  });

  it('the session allow/deny lists filter what is offered and what runs, with SPEAR\'s denial bodies', async () => {
    modelCalls(namespacedToolName('fs', 'list_dir'), '{"path":"."}');
    const r = await runGuest(wasm, { ...openai(), args: ['chat', '["fs"]', '["read_*","list_*"]', '["list_*"]'], mcp: { dir: mcpDir } });
    assert.deepEqual(lines(r.stdout).slice(1, 5), ['enable: 0', 'servers: 0', 'allow: 0', 'deny: 0']);
    assert.deepEqual(offered(0), [READ_FILE]);
    assert.equal(toolMessage(r.stdout), '{"error":{"code":"mcp_tool_failed","message":"mcp tool denied by session denylist"}}');

    modelCalls(namespacedToolName('fs', 'big_text'), '{"bytes":10}');
    const r2 = await runGuest(wasm, { ...openai(), args: ['chat', '["fs"]', '["read_*"]'], mcp: { dir: mcpDir } });
    assert.equal(toolMessage(r2.stdout), '{"error":{"code":"mcp_tool_failed","message":"mcp tool denied by session allowlist"}}');

    // write_file is not in the server's allowed_tools: never offered, and refused.
    modelCalls(namespacedToolName('fs', 'write_file'), '{"path":"x","content":"y"}');
    const r3 = await runGuest(wasm, { ...openai(), args: ['chat', '["fs"]'], mcp: { dir: mcpDir } });
    assert.ok(!offered(0).includes(namespacedToolName('fs', 'write_file')));
    assert.equal(toolMessage(r3.stdout), '{"error":{"code":"mcp_tool_failed","message":"mcp tool denied by server policy"}}');
    assert.equal(fs.existsSync(path.join(root, 'x')), false);
  });

  it('the host policy\'s tool lists bind the guest (task allowlist and denylist), also when it selects its servers itself (a divergence)', async () => {
    modelCalls(namespacedToolName('fs', 'big_text'), '{"bytes":10}');
    const policy = { allowedServerIds: ['fs'], toolAllowlist: ['read_*', 'big_*'], toolDenylist: ['big_*'] };
    const r = await runGuest(wasm, { ...openai(), args: ['chat', '["fs"]'], mcp: { dir: mcpDir, policy } });
    assert.deepEqual(offered(0), [READ_FILE]);
    assert.equal(toolMessage(r.stdout), '{"error":{"code":"mcp_tool_failed","message":"mcp tool denied by task denylist"}}');
    modelCalls(namespacedToolName('fs', 'list_dir'), '{"path":"."}');
    const r2 = await runGuest(wasm, { ...openai(), args: ['chat', '["fs"]'], mcp: { dir: mcpDir, policy } });
    assert.equal(toolMessage(r2.stdout), '{"error":{"code":"mcp_tool_failed","message":"mcp tool denied by task allowlist"}}');
  });

  it('a server that cannot start and one that times out cost only their own tools; calling them gives SPEAR\'s error bodies', async () => {
    modelCalls(namespacedToolName('slow', 'read_file'), '{"path":"notes.txt"}');
    const policy = { allowedServerIds: ['broken', 'slow', 'fs', 'nosuch'] };
    const r = await runGuest(wasm, { ...openai(), args: ['chat', '["broken","slow","fs","nosuch"]'], mcp: { dir: mcpDir, policy } });
    assert.deepEqual(lines(r.stdout).slice(1, 3), ['enable: 0', 'servers: 0']);
    assert.deepEqual(offered(0), ['mcp__ZnM__cmVhZF9maWxl', 'mcp__ZnM__bGlzdF9kaXI', 'mcp__ZnM__YmlnX3RleHQ', 'mcp__ZnM__ZW52X3ZhbHVl']);
    assert.equal(toolMessage(r.stdout), '{"error":{"code":"mcp_tool_failed","message":"mcp tool timeout"}}');

    modelCalls(namespacedToolName('broken', 'read_file'), '{"path":"notes.txt"}');
    const r2 = await runGuest(wasm, { ...openai(), args: ['chat', '["broken","fs"]'], mcp: { dir: mcpDir } });
    const msg = JSON.parse(toolMessage(r2.stdout)) as { error: { code: string; message: string } };
    assert.equal(msg.error.code, 'mcp_tool_failed');
    assert.match(msg.error.message, /^spawn failed: spawn .*no-such-command ENOENT$/);
  });

  it('names the loop cannot route give SPEAR\'s bodies: unknown server, bad name, a server the session did not select', async () => {
    const cases: [string, string][] = [
      ['mcp.nosuch.read_file', 'unknown mcp server'],
      ['mcp__!!__cmVhZF9maWxl', 'invalid mcp tool name'],
      ['mcp.fs', 'invalid mcp tool name'],
      [namespacedToolName('slow', 'read_file'), 'mcp server not allowed: slow'],
    ];
    for (const [name, message] of cases) {
      modelCalls(name, '{}');
      const r = await runGuest(wasm, { ...openai(), args: ['chat', '["fs"]'], mcp: { dir: mcpDir } });
      assert.equal(toolMessage(r.stdout), JSON.stringify({ error: { code: 'mcp_tool_failed', message } }), name);
    }
  });

  it('the output is cut to max_tool_output_bytes, at a character boundary', async () => {
    modelCalls(namespacedToolName('fs', 'big_text'), '{"bytes":40}');
    const r = await runGuest(wasm, { ...openai(), args: ['chat', '["fs"]', '-', '-', '43'], mcp: { dir: mcpDir } });
    // {"content":[{"type":"text","text":" is 34 bytes; 9 more bytes hold 4 "é" (2 bytes each).
    assert.equal(toolMessage(r.stdout), '{"content":[{"type":"text","text":"éééé');
  });

  it('without MCP options: mcp.enabled true and any server are -EACCES, and an mcp-named call is an unknown server', async () => {
    modelCalls('mcp.fs.read_file', '{}');
    const r = await runGuest(wasm, { ...openai(), args: ['chat', '["fs"]'] });
    assert.deepEqual(lines(r.stdout).slice(1, 3), ['enable: -13', 'servers: -13']);
    assert.deepEqual(offered(0), []);
    assert.equal(toolMessage(r.stdout), '{"error":{"code":"mcp_tool_failed","message":"unknown mcp server"}}');
  });

  it('policy defaults: a new session starts with the default servers and sees their tools without setting anything', async () => {
    modelCalls(READ_FILE, '{"path":"notes.txt"}');
    const r = await runGuest(wasm, { ...openai(), args: ['plain'], mcp: { dir: mcpDir, policy: { defaultServerIds: ['fs', 'slow'], allowedServerIds: ['fs'] } } });
    assert.deepEqual(offered(0), ['mcp__ZnM__cmVhZF9maWxl', 'mcp__ZnM__bGlzdF9kaXI', 'mcp__ZnM__YmlnX3RleHQ', 'mcp__ZnM__ZW52X3ZhbHVl']);
    assert.equal(toolMessage(r.stdout), JSON.stringify({ content: [{ type: 'text', text: 'line one\nline two\nline three\n' }] }));
  });

  it('hostwire run --mcp-dir: the servers of the directory may be selected, skipped files are warned about', async () => {
    const r = await runCli(['run', '--mcp-dir', mcpDir, wasm, 'policy']);
    assert.equal(r.code, 0);
    assert.deepEqual(lines(r.stdout).slice(4, 9), ['enabled true: 0', 'server_ids not an array: -22', 'server_ids [fs]: 0', 'server_ids [other]: -13', 'server_ids [unknown]: -13']);
    const warned = lines(r.stderr).map((l) => l.replace(/ skipped: .*$/, ''));
    assert.deepEqual(warned, ['bad.toml', 'nocmd.json', 'ws.json'].map((f) => `hostwire: warning: MCP server file ${path.join(mcpDir, f)}`));
    const missing = await runCli(['run', '--mcp-dir', path.join(dir, 'nope'), wasm, 'policy']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /^hostwire: cannot read the MCP directory .*nope: ENOENT/);
  });

  describe('SET_PARAM of the mcp.* keys (cchat_ctl_set_param)', () => {
    const common = (enabledTrue: number, fs_: number, other: number): string[] => [
      'task key: -13',
      'task key, any value: -13',
      'enabled not a bool: -22',
      'enabled false: 0',
      `enabled true: ${enabledTrue}`,
      'server_ids not an array: -22',
      `server_ids [fs]: ${fs_}`,
      `server_ids [other]: ${other}`,
      'server_ids [unknown]: -13',
      'server_ids ["", 7]: 0',
      'server_ids []: 0',
      'tool_allowlist not an array: -22',
      'tool_allowlist: 0',
      'tool_denylist not an array: -22',
      'tool_denylist: 0',
      'other mcp key: 0',
      'never-opened fd, task key: -9',
      'epoll fd, enabled not a bool: -22',
      'epoll fd, task key: -13',
      'epoll fd, tool_allowlist: -9',
      'closed session, task key: -13',
      'closed session, enabled not a bool: -22',
      'closed session, tool_allowlist: -9',
    ];

    it('no MCP configured (SPEAR\'s task without MCP policy): enabling and every server are -EACCES', async () => {
      const r = await runGuest(wasm, { args: ['policy'] });
      assert.deepEqual(lines(r.stdout), common(-13, -13, -13));
    });

    it('--mcp-dir alone: every server of the directory may be selected, no other', async () => {
      const r = await runGuest(wasm, { args: ['policy'], mcp: { dir: mcpDir } });
      assert.deepEqual(lines(r.stdout), common(0, 0, -13));
    });

    it('a host policy: only its allowed servers (registered or not), and enabling refused when it disables MCP', async () => {
      const r = await runGuest(wasm, { args: ['policy'], mcp: { dir: mcpDir, policy: { allowedServerIds: ['fs', 'other'] } } });
      assert.deepEqual(lines(r.stdout), common(0, 0, 0));
      const r2 = await runGuest(wasm, { args: ['policy'], mcp: { dir: mcpDir, policy: { enabled: false, allowedServerIds: ['fs'] } } });
      assert.deepEqual(lines(r2.stdout), common(-13, 0, -13));
    });
  });
});
