/** The `hostwire` command line: --version, help. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ABI, PROTOCOLS } from '../../generated/ts/constants';
import { RUN_USAGE } from '../../runtime/guest/cli-run';
import { ROOT, runCli, tmpDir } from './helpers';

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

    it('help with an unknown command exits 2 naming the commands', async () => {
      const r = await runCli(['help', 'frobnicate']);
      assert.deepEqual({ code: r.code, stdout: r.stdout, stderr: r.stderr }, {
        code: 2,
        stdout: '',
        stderr: "hostwire help: unknown command 'frobnicate'; the commands are run, generate, diff\n",
      });
    });
  });
});
