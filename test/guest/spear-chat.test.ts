/**
 * Chat conformance with SPEAR (lfedgeai/SPEAR): c/spear_chat.c runs the checks of SPEAR's
 * `host_api/tests.rs` (test_cchat_send_pipeline_stub_backend,
 * test_cchat_send_auto_tool_call_loop_stub_backend, test_cchat_response_fd_is_epollin),
 * `runtime/wasm_hostcalls.rs` (test_call_cchat_write_fn, cchat_ctl,
 * call_wasm_tool_with_arena) and `host_api/cchat.rs` (cchat_send_with_tools: limits, what
 * the loop appends, GET_METRICS) on the native core with the stub backend; each line is what
 * SPEAR gives.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { runGuest } from '../../runtime';
import { buildGuest, EXPORT_TABLE, lines, tmpDir } from './helpers';

describe('guest host: chat as SPEAR (c/spear_chat.c)', () => {
  let dir: string;
  before(() => {
    dir = tmpDir('spear-chat');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('prints what SPEAR gives for each check', async () => {
    const r = await runGuest(buildGuest('spear_chat', dir, EXPORT_TABLE));
    assert.equal(r.stderr, '');
    assert.deepEqual(lines(r.stdout), [
      'pipeline: content stub chat completion: sum 7 35',
      'write_fn: 0',
      'auto tool call: content stub chat completion after tool',
      'tool calls: 1 args {"a":7,"b":35}',
      'next send: content stub chat completion after tool',
      'GET_METRICS: 58 {"prompt_tokens":4,"completion_tokens":1,"total_tokens":5}',
      'plain send: content stub chat completion after tool',
      'GET_METRICS without ENABLE_METRICS: 2 {}',
      'GET_METRICS on a session: -9 ',
      'max_iterations 1: body {"error":{"code":"tool_call_limit","message":"exceeded max_iterations"}}',
      'max_tool_calls 0: body {"error":{"code":"tool_call_limit","message":"exceeded max_total_tool_calls"}}',
      'no arena: content stub chat completion after tool',
      'tool ran without an arena: 0',
      'SET_PARAM bad JSON: -5',
      'SET_PARAM no key: -5',
      'SET_PARAM any value: 0',
      'ADD IN: 0',
      'response ready: 1 IN',
    ]);
    assert.equal(r.exitCode, 0);
  });
});
