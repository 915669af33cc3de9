/**
 * The `hostwire` command line around `run`: --version, help, the guest's arguments after its
 * file, --dir preopens, the --timeout wall-clock limit, and chat backend failures shown on
 * stderr (HTTP error, refused connection, no answer within --backend-timeout).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { sendJson, startFakeServer, unusedPort, type FakeServer } from '../chat/helpers/fake-openai';
import { ABI, PROTOCOLS } from '../../generated/ts/constants';
import { RUN_USAGE } from '../../runtime/guest/cli-run';
import { BLOCKED, buildExample, buildGuest, ROOT, runCli, SPINNING, tmpDir, wat } from './helpers';

describe('hostwire command line', () => {
  let dir: string;
  before(() => {
    dir = tmpDir('cli');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  describe('--version and help', () => {
    it('--version and -V print the package version, the ABI and each protocol version, and exit 0', async () => {
      const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
      const want = `hostwire ${pkg.version} (ABI spear ${ABI.version}, transfer protocol ${PROTOCOLS.transfer.version})\n`;
      for (const flag of ['--version', '-V']) {
        const r = await runCli([flag]);
        assert.deepEqual({ code: r.code, stdout: r.stdout, stderr: r.stderr }, { code: 0, stdout: want, stderr: '' }, flag);
      }
    });

    it('help alone prints the commands; help run prints what run --help prints', async () => {
      const all = await runCli(['help']);
      assert.equal(all.code, 0);
      assert.match(all.stdout, /^usage: hostwire <command> \[options\]\n/);
      assert.match(all.stdout, /\n  help \[COMMAND\] +this text, or a command's options\n/);
      const help = await runCli(['help', 'run']);
      const flag = await runCli(['run', '--help']);
      assert.deepEqual({ code: help.code, stdout: help.stdout, stderr: help.stderr }, { code: 0, stdout: `${RUN_USAGE}\n`, stderr: '' });
      assert.equal(flag.stdout, help.stdout);
    });

    it('help generate and help diff print their usage', async () => {
      const gen = await runCli(['help', 'generate']);
      assert.equal(gen.code, 0);
      assert.match(gen.stdout, /^usage: hostwire generate \[--idl PATH\] \[--out DIR\] \[--check\]\n/);
      const diff = await runCli(['help', 'diff']);
      assert.equal(diff.code, 0);
      assert.match(diff.stdout, /^usage: hostwire diff OLD NEW \[--json\]\n/);
    });

    it('no command is bad usage: the usage on stderr, exit 2; --help prints it on stdout, exit 0', async () => {
      const none = await runCli([]);
      const help = await runCli(['--help']);
      assert.equal(none.code, 2);
      assert.equal(none.stdout, '');
      assert.match(none.stderr, /^usage: hostwire <command> \[options\]\n/);
      assert.deepEqual({ code: help.code, stdout: help.stdout, stderr: help.stderr }, { code: 0, stdout: none.stderr, stderr: '' });
    });

    it('help with an unknown command exits 2 naming the commands', async () => {
      const r = await runCli(['help', 'frobnicate']);
      assert.deepEqual({ code: r.code, stdout: r.stdout, stderr: r.stderr }, {
        code: 2,
        stdout: '',
        stderr: "hostwire help: unknown command 'frobnicate'; the commands are run, generate, diff\n",
      });
    });
  });

  describe('run: guest arguments', () => {
    let guest: string;
    before(() => {
      guest = buildGuest('stdio', dir);
    });

    it('everything after the guest file is the guest\'s, hostwire\'s own option names too', async () => {
      const r = await runCli(['run', '--env', 'GREETING=hi', guest, '--backend', 'nonsense', '-h', '--', 'x']);
      assert.equal(r.stdout, 'argc=6\nargv[0]=stdio.wasm\nargv[1]=--backend\nargv[2]=nonsense\nargv[3]=-h\nargv[4]=--\nargv[5]=x\nGREETING=hi\nHOME=(unset)\n');
      assert.equal(r.code, 0);
    });

    it('a -- right after the guest file is dropped; a -- before it ends hostwire\'s options', async () => {
      const after = await runCli(['run', guest, '--', '--env', 'y']);
      assert.equal(after.stdout, 'argc=3\nargv[0]=stdio.wasm\nargv[1]=--env\nargv[2]=y\nGREETING=(unset)\nHOME=(unset)\n');
      const before = await runCli(['run', '--env', 'GREETING=g', '--', guest, 'a']);
      assert.equal(before.stdout, 'argc=2\nargv[0]=stdio.wasm\nargv[1]=a\nGREETING=g\nHOME=(unset)\n');
    });

    it('an unknown option before the guest file is bad usage: exit 2', async () => {
      const r = await runCli(['run', '--frobnicate', guest]);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /^hostwire run: unknown option '--frobnicate'\nusage: hostwire run/);
    });
  });

  describe('run --dir', () => {
    let guest: string;
    let data: string;
    before(() => {
      guest = buildGuest('files', dir);
      data = fs.mkdtempSync(path.join(dir, 'data-'));
      fs.writeFileSync(path.join(data, 'in.txt'), 'hello from the host');
    });

    it('HOST::GUEST gives the host directory under the guest path: the guest reads and writes in it', async () => {
      const r = await runCli(['run', '--dir', `${data}::/data`, guest, 'cat', '/data/in.txt']);
      assert.deepEqual({ code: r.code, stdout: r.stdout }, { code: 0, stdout: '/data/in.txt: hello from the host\n' });
      const w = await runCli(['run', `--dir=${data}::/data`, guest, 'write', '/data/out.txt', 'written by the guest']);
      assert.equal(w.code, 0);
      assert.equal(fs.readFileSync(path.join(data, 'out.txt'), 'utf8'), 'written by the guest');
    });

    it('HOST alone is seen by the guest under the same path', async () => {
      const r = await runCli(['run', '--dir', data, guest, 'cat', `${data}/in.txt`]);
      assert.deepEqual({ code: r.code, stdout: r.stdout }, { code: 0, stdout: `${data}/in.txt: hello from the host\n` });
    });

    it('without --dir the guest sees no file system', async () => {
      const r = await runCli(['run', guest, 'cat', `${data}/in.txt`]);
      assert.deepEqual({ code: r.code, stdout: r.stdout }, { code: 1, stdout: `${data}/in.txt: ENOTCAPABLE\n` });
    });

    it('a HOST that is missing or not a directory, or a guest path given twice, is bad usage: exit 2', async () => {
      const cases: [string[], string][] = [
        [['--dir', path.join(dir, 'nope')], `--dir ${path.join(dir, 'nope')}: no such directory`],
        [['--dir', `${path.join(data, 'in.txt')}::/f`], `--dir ${path.join(data, 'in.txt')}: not a directory`],
        [['--dir', `${data}::/d`, '--dir', `${dir}::/d`], "--dir: the guest path '/d' is given twice"],
        [['--dir', `::/d`], "--dir needs HOST[::GUEST], not '::/d'"],
      ];
      for (const [opts, message] of cases) {
        const r = await runCli(['run', ...opts, guest, 'cat', 'x']);
        assert.equal(r.code, 2, message);
        assert.equal(r.stderr.split('\n')[0], `hostwire run: ${message}`);
        assert.equal(r.stdout, '');
      }
    });
  });

  describe('run --timeout', () => {
    for (const [name, text, line] of [['spinning without hostcalls', SPINNING, 'spinning'], ['blocked in spear_epoll_wait', BLOCKED, 'waiting']]) {
      it(`stops a guest ${name} at the limit, says so on stderr and exits 124`, async () => {
        const r = await runCli(['run', '--timeout', '0.5s', wat(dir, line, text)]);
        // On a busy machine the limit may come before the guest's first log line.
        assert.deepEqual({ code: r.code, stdout: r.stdout, stderr: r.stderr.replace(`[guest INFO] ${line}\n`, '') }, {
          code: 124,
          stdout: '',
          stderr: 'hostwire: guest stopped: still running after --timeout 500ms\n',
        });
      });
    }

    it('a guest that ends within the limit exits with its own code', async () => {
      const r = await runCli(['run', '--timeout', '10m', buildGuest('stdio', dir), 'exit', '3']);
      assert.equal(r.code, 3);
      assert.equal(r.stderr, 'to stderr\n');
    });

    it('a duration that is not one is bad usage: exit 2', async () => {
      for (const bad of ['soon', '-1s', '5d', '1e3']) {
        const r = await runCli(['run', '--timeout', bad, 'x.wasm']);
        assert.equal(r.code, 2, bad);
        assert.equal(r.stderr.split('\n')[0], `hostwire run: --timeout needs a duration such as 500ms, 30s or 2m, not '${bad}'`);
      }
    });
  });

  describe('run: chat backend failures on stderr', () => {
    let server: FakeServer;
    let guest: string;
    before(async () => {
      server = await startFakeServer();
      guest = buildExample('chat_completion', dir);
    });
    after(() => server.close());

    const KEY = 'sk-test-secret';
    const env = (): NodeJS.ProcessEnv => ({ ...process.env, OPENAI_API_KEY: KEY, HOSTWIRE_OPENAI_BASE_URL: '', OPENAI_BASE_URL: '' });
    /** The guest prints the response body it got; its message is what the host printed, after the errno. */
    const guestMessage = (stdout: string): string => {
      const m = /^response \(\d+ bytes\): (.*)\n$/s.exec(stdout);
      assert.ok(m, stdout);
      return m[1];
    };

    it('HTTP 500: status, server message and the URL without its query on stderr, key masked; the guest gets the EIO body', async () => {
      server.handle((_req, res) => sendJson(res, 500, { error: { message: `overloaded (key ${KEY})` } }));
      const url = `${server.baseUrl}?api-key=query-secret`;
      const r = await runCli(['run', '--backend', 'openai', '--backend-url', url, guest], { env: env() });
      const message = `EIO: openai backend (POST ${server.baseUrl}/chat/completions): HTTP 500 Internal Server Error: overloaded (key [redacted])`;
      assert.equal(r.stderr, `hostwire: chat backend failed: ${message}\n`);
      assert.ok(message.startsWith(guestMessage(r.stdout).replace(/^\{"error":\{"message":"/, '')));
      assert.equal(r.code, 0);
    });

    it('a refused connection: ECONNRESET with the network code on stderr', async () => {
      const port = await unusedPort();
      const r = await runCli(['run', '--backend', 'openai', '--backend-url', `http://127.0.0.1:${port}/v1`, guest], { env: env() });
      assert.equal(r.stderr, `hostwire: chat backend failed: ECONNRESET: openai backend (POST http://127.0.0.1:${port}/v1/chat/completions): connection failed (ECONNREFUSED)\n`);
      assert.match(guestMessage(r.stdout), /^\{"error":\{"message":"ECONNRESET: openai backend/);
      assert.equal(r.code, 0);
    });

    it('a server that never answers: ETIMEDOUT after --backend-timeout, on stderr and in the guest\'s body', async () => {
      server.handle(() => undefined);
      const r = await runCli(['run', '--backend', 'openai', '--backend-url', server.baseUrl, '--backend-timeout', '300ms', guest], { env: env() });
      assert.equal(r.stderr, `hostwire: chat backend failed: ETIMEDOUT: openai backend (POST ${server.baseUrl}/chat/completions): no answer within 300 ms\n`);
      assert.match(guestMessage(r.stdout), /^\{"error":\{"message":"ETIMEDOUT: openai backend/);
      assert.equal(r.code, 0);
    });
  });
});
