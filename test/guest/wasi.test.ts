/** WASI preview1: args, environment, stdout and stderr, and the exit code, through the SDK and the CLI. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { Guest, runGuest } from '../../runtime';
import { buildGuest, runCli, tmpDir } from './helpers';

describe('guest host: WASI stdio, args, env, exit code', () => {
  let dir: string;
  let guest: string;
  before(() => {
    dir = tmpDir('wasi');
    guest = buildGuest('stdio', dir);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('SDK: captures stdout and stderr, passes args and only the env it is given', async () => {
    const r = await runGuest(guest, { args: ['hello', 'wörld'], env: { GREETING: 'hi there' } });
    assert.deepEqual(r, {
      exitCode: 0,
      stdout: 'argc=3\nargv[0]=stdio.wasm\nargv[1]=hello\nargv[2]=wörld\nGREETING=hi there\nHOME=(unset)\n',
      stderr: 'to stderr\n',
      killed: false,
    });
  });

  it('SDK: the exit code of exit() (proc_exit) and of main returning', async () => {
    assert.equal((await runGuest(guest, { args: ['exit', '7'] })).exitCode, 7);
    assert.equal((await runGuest(guest, { args: ['return', '3'] })).exitCode, 3);
    assert.equal((await runGuest(guest, { args: ['exit', '0'] })).exitCode, 0);
  });

  it('SDK: loads bytes as well as a path, with the given program name', async () => {
    const g = await Guest.load(fs.readFileSync(guest), { name: 'prog', args: ['a'] });
    assert.equal(g.abi.text, 'spear/1.0.0');
    assert.equal(g.abi.source, 'assumed');
    const r = await g.run();
    assert.equal(r.stdout, 'argc=2\nargv[0]=prog\nargv[1]=a\nGREETING=(unset)\nHOME=(unset)\n');
    await assert.rejects(g.run(), { message: 'this Guest has already run: load it again to run it again' });
  });

  it('SDK: stdout may go to a host fd', async () => {
    const file = `${dir}/out.txt`;
    const fd = fs.openSync(file, 'w');
    try {
      const r = await runGuest(guest, { stdout: fd, stderr: 'pipe' });
      assert.deepEqual({ stdout: r.stdout, stderr: r.stderr }, { stdout: '', stderr: 'to stderr\n' });
    } finally {
      fs.closeSync(fd);
    }
    assert.equal(fs.readFileSync(file, 'utf8'), 'argc=1\nargv[0]=stdio.wasm\nGREETING=(unset)\nHOME=(unset)\n');
  });

  it('CLI: hostwire run writes the guest stdio to its own and exits with the guest exit code', async () => {
    const r = await runCli(['run', '--env', 'GREETING=from the cli', guest, 'exit', '5', '--not-an-option']);
    assert.equal(r.stdout, `argc=4\nargv[0]=stdio.wasm\nargv[1]=exit\nargv[2]=5\nargv[3]=--not-an-option\nGREETING=from the cli\nHOME=(unset)\n`);
    assert.equal(r.stderr, 'to stderr\n');
    assert.equal(r.code, 5);
  });

  it('stdin: the host\'s own for hostwire run, empty by default in the SDK', async () => {
    const cli = await runCli(['run', guest, '--', 'cat'], { input: 'one\ntwo\n' });
    assert.deepEqual({ code: cli.code, stdout: cli.stdout }, { code: 0, stdout: 'stdin: one\nstdin: two\nend of stdin\n' });
    const r = await runGuest(guest, { args: ['cat'] });
    assert.deepEqual({ exitCode: r.exitCode, stdout: r.stdout }, { exitCode: 0, stdout: 'end of stdin\n' });
  });

  it('CLI: bad usage exits 2 with the usage', async () => {
    const none = await runCli(['run']);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /^hostwire run: no guest given\nusage: hostwire run \[options\] GUEST\.wasm \[ARGS\.\.\.\]\n/);
    const bad = await runCli(['run', '--backend', 'carrier-pigeon', guest]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^hostwire run: --backend must be stub or openai, not 'carrier-pigeon'\n/);
    const missing = await runCli(['run', `${dir}/nope.wasm`]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /^hostwire: cannot read .*nope\.wasm: ENOENT/);
  });
});
