/**
 * The MCP registry and policy functions, from SPEAR's unit tests (lfedgeai/SPEAR):
 * src/spearlet/mcp/policy.rs (test_wildcard_match, test_parse_namespaced,
 * test_allowed_by_policies, test_filter_and_namespace_openai_tools,
 * test_decide_exec_uses_budgets_and_limits), src/spearlet/mcp/client.rs
 * (test_resolve_env_value_*), and src/sms/service.rs bootstrap_mcp_from_dir.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  callTimeoutMs,
  deniedBy,
  filterAndNamespace,
  listTimeoutMs,
  loadMcpDir,
  maxToolOutputBytes,
  McpHost,
  namespacedToolName,
  parseNamespacedToolName,
  resolveEnvValue,
  truncateUtf8,
  wildcardMatch,
  type McpServerRecord,
  type McpSessionParams,
} from '../../runtime/mcp';
import { tmpDir } from '../guest/helpers';

const session = (over: Partial<McpSessionParams>): McpSessionParams => ({
  enabled: true,
  server_ids: ['fs'],
  task_tool_allowlist: [],
  task_tool_denylist: [],
  tool_allowlist: [],
  tool_denylist: [],
  ...over,
});

const record = (over: Partial<McpServerRecord>): McpServerRecord => ({
  server_id: 'fs',
  display_name: '',
  transport: 'stdio',
  stdio: { command: 'node', args: [], env: {}, cwd: '' },
  tool_namespace: 'mcp.fs',
  allowed_tools: ['*'],
  ...over,
});

describe('MCP policy as SPEAR (mcp/policy.rs, mcp/client.rs)', () => {
  it('test_wildcard_match', () => {
    assert.equal(wildcardMatch('*', 'anything'), true);
    assert.equal(wildcardMatch('read_*', 'read_file'), true);
    assert.equal(wildcardMatch('read_*', 'write_file'), false);
    assert.equal(wildcardMatch('a?c', 'abc'), true);
    assert.equal(wildcardMatch('a?c', 'ac'), false);
    assert.equal(wildcardMatch('ab*cd', 'abcd'), true);
    assert.equal(wildcardMatch('ab*cd', 'ab__cd'), true);
    assert.equal(wildcardMatch('ab*cd', 'ab__ce'), false);
  });

  it('test_parse_namespaced: both forms, and what is invalid', () => {
    assert.deepEqual(parseNamespacedToolName('mcp.fs.read_file'), ['fs', 'read_file']);
    assert.deepEqual(parseNamespacedToolName(namespacedToolName('fs', 'read_file')), ['fs', 'read_file']);
    assert.equal(parseNamespacedToolName('mcp.fs'), 'invalid mcp tool name');
    assert.equal(namespacedToolName('fs', 'read_file'), 'mcp__ZnM__cmVhZF9maWxl');
    assert.equal(parseNamespacedToolName('mcp__ZnM'), 'invalid mcp tool name');
    assert.equal(parseNamespacedToolName('mcp__ZnM=__cmVhZF9maWxl'), 'invalid mcp tool name');
    assert.equal(parseNamespacedToolName('mcp__ZnN__cmVhZF9maWxl'), 'invalid mcp tool name'); // non-zero trailing bits
    assert.deepEqual(parseNamespacedToolName('mcp.a.b.c'), ['a', 'b.c']);
  });

  it('test_allowed_by_policies, each list in SPEAR\'s order', () => {
    const s = session({ tool_allowlist: ['read_*'], tool_denylist: ['read_secret'] });
    assert.equal(deniedBy(['read_*'], s, 'read_file'), undefined);
    assert.equal(deniedBy(['read_*'], s, 'write_file'), 'mcp tool denied by server policy');
    assert.equal(deniedBy(['read_*'], s, 'read_secret'), 'mcp tool denied by session denylist');
    assert.equal(deniedBy([], session({}), 'read_file'), 'mcp tool denied by server policy');
    assert.equal(deniedBy(['*'], session({ task_tool_allowlist: ['list_*'] }), 'read_file'), 'mcp tool denied by task allowlist');
    assert.equal(deniedBy(['*'], session({ task_tool_denylist: ['read_*'] }), 'read_file'), 'mcp tool denied by task denylist');
    assert.equal(deniedBy(['*'], session({ tool_allowlist: ['list_*'] }), 'read_file'), 'mcp tool denied by session allowlist');
  });

  it('test_filter_and_namespace_openai_tools', () => {
    const out = filterAndNamespace('fs', ['*'], session({ tool_denylist: ['delete_*'] }), [
      { name: 'read_file', description: 'd' },
      { name: 'delete_file', description: 'd' },
      { name: '' },
    ]);
    assert.deepEqual(out, [{ type: 'function', function: { name: 'mcp__ZnM__cmVhZF9maWxl', description: 'd', parameters: { type: 'object' } } }]);
    assert.deepEqual(filterAndNamespace('fs', [], session({}), [{ name: 'read_file' }]), []);
  });

  it('test_decide_exec_uses_budgets_and_limits: timeouts from budgets, clamped; the output cap from params', () => {
    assert.equal(callTimeoutMs(record({ budgets: { tool_timeout_ms: 1234, max_concurrency: 0, max_tool_output_bytes: 0 } })), 1234);
    assert.equal(callTimeoutMs(record({})), 8000);
    assert.equal(listTimeoutMs(record({})), 12000);
    assert.equal(callTimeoutMs(record({ budgets: { tool_timeout_ms: 0, max_concurrency: 0, max_tool_output_bytes: 0 } })), 100);
    assert.equal(callTimeoutMs(record({ budgets: { tool_timeout_ms: 999_999, max_concurrency: 0, max_tool_output_bytes: 0 } })), 120_000);
    assert.equal(listTimeoutMs(record({ budgets: { tool_timeout_ms: 999_999, max_concurrency: 0, max_tool_output_bytes: 0 } })), 180_000);
    assert.equal(maxToolOutputBytes({ max_tool_output_bytes: 1024 }), 1024);
    assert.equal(maxToolOutputBytes({}), 65536);
    assert.equal(maxToolOutputBytes({ max_tool_output_bytes: -1 }), 65536);
    assert.equal(maxToolOutputBytes({ max_tool_output_bytes: 1e9 }), 10 * 1024 * 1024);
    assert.equal(truncateUtf8('abé', 3), 'ab');
    assert.equal(truncateUtf8('abé', 4), 'abé');
  });

  it('test_resolve_env_value_*: passthrough, required, missing, default', () => {
    const env = { SET_VAR: 'v1' };
    assert.equal(resolveEnvValue('abc', env), 'abc');
    assert.equal(resolveEnvValue('${ENV:SET_VAR}', env), 'v1');
    assert.throws(() => resolveEnvValue('${ENV:MISSING_VAR}', env), { message: 'missing environment variable: MISSING_VAR' });
    assert.equal(resolveEnvValue('${ENV:MISSING_VAR:-fallback}', env), 'fallback');
    assert.equal(resolveEnvValue('${ENV: SET_VAR }', env), 'v1');
    assert.throws(() => resolveEnvValue('${ENV:}', env), { message: 'invalid env reference: empty variable name' });
    assert.equal(resolveEnvValue('x${ENV:SET_VAR}', env), 'x${ENV:SET_VAR}');
  });
});

describe('the MCP server directory (sms/service.rs bootstrap_mcp_from_dir)', () => {
  let dir: string;
  before(() => {
    dir = tmpDir('mcp-dir');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads .toml and .json servers, applies env_from and the namespace default, skips what SPEAR skips', () => {
    const w = (f: string, t: string): void => fs.writeFileSync(path.join(dir, f), t);
    w('a.toml', 'server_id = "fs"\ntransport = "stdio"\nallowed_tools = ["read_*"]\n[stdio]\ncommand = "node"\nargs = ["s.js"]\nenv_from = ["HOME", " "]\n[budgets]\nmax_concurrency = 1\n');
    w('b.JSON', JSON.stringify({ server_id: 'web', transport: 'streamable_http', http: { url: 'http://127.0.0.1:1/mcp' }, extra: 1 }));
    w('c.json', JSON.stringify({ server_id: 'fs', transport: 'stdio', display_name: null, stdio: { command: 'node2' } }));
    w('d.json', JSON.stringify({ server_id: '', transport: 'stdio', stdio: { command: 'x' } }));
    w('e.json', JSON.stringify({ server_id: 'e', transport: 'stdio' }));
    w('f.json', JSON.stringify({ server_id: 'f', transport: 'stdio', stdio: { command: 'x', args: [1] } }));
    w('g.toml', 'not toml');
    w('h.yaml', 'server_id: h');
    fs.mkdirSync(path.join(dir, 'i.json'));
    const d = loadMcpDir(dir);
    assert.deepEqual(d.servers, [
      { server_id: 'web', display_name: '', transport: 'streamable_http', tool_namespace: 'mcp.web', allowed_tools: [], http: { url: 'http://127.0.0.1:1/mcp', headers: {}, auth_ref: '' } },
      { server_id: 'fs', display_name: '', transport: 'stdio', tool_namespace: 'mcp.fs', allowed_tools: [], stdio: { command: 'node2', args: [], env: {}, cwd: '' } },
    ]);
    assert.deepEqual(
      d.skipped.map((s) => [path.basename(s.file), s.reason]),
      [
        ['d.json', 'server_id is required'],
        ['e.json', 'stdio config is required'],
        ['f.json', '`args[0]`: expected a string'],
        ['g.toml', d.skipped[3].reason],
      ],
    );
    fs.rmSync(path.join(dir, 'c.json'));
    const fsRec = loadMcpDir(dir).servers.find((s) => s.server_id === 'fs')!;
    assert.deepEqual(fsRec.stdio, { command: 'node', args: ['s.js'], env: { HOME: '${ENV:HOME}' }, cwd: '' });
    assert.deepEqual(fsRec.budgets, { tool_timeout_ms: 0, max_concurrency: 1, max_tool_output_bytes: 0 });
    assert.deepEqual(fsRec.allowed_tools, ['read_*']);
    // --mcp-dir alone: every server may be selected, none on by default.
    assert.deepEqual(new McpHost({ dir }).policy, { enabled: true, default_server_ids: [], allowed_server_ids: ['fs', 'web'], tool_allowlist: [], tool_denylist: [] });
    assert.deepEqual(new McpHost().policy, { enabled: false, default_server_ids: [], allowed_server_ids: [], tool_allowlist: [], tool_denylist: [] });
  });

  it('a streamable_http server is registered but unreachable: "unsupported transport"', async () => {
    const h = new McpHost({ servers: [record({ server_id: 'web', transport: 'streamable_http', stdio: undefined, http: { url: 'http://127.0.0.1:1', headers: {}, auth_ref: '' } })] });
    const params = { 'mcp.enabled': true, 'mcp.server_ids': ['web'] };
    assert.deepEqual(await h.tools(params), []);
    assert.deepEqual(await h.call(params, 'mcp.web.x', '{}'), { error: 'unsupported transport' });
  });

  it('a missing env variable fails the call with SPEAR\'s message', async () => {
    delete process.env.MCP_TEST_NOT_SET;
    const h = new McpHost({ servers: [record({ stdio: { command: 'node', args: [], env: { TOKEN: '${ENV:MCP_TEST_NOT_SET}' }, cwd: '' } })] });
    const params = { 'mcp.enabled': true, 'mcp.server_ids': ['fs'] };
    assert.deepEqual(await h.call(params, 'mcp.fs.read_file', '{}'), { error: 'mcp server fs: env TOKEN resolve failed: missing environment variable: MCP_TEST_NOT_SET' });
  });
});
