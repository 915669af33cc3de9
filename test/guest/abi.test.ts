/** The guest's ABI version: a guest built for another major version is refused before it runs. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Guest, GuestAbiError } from '../../runtime';
import { compileWasm, IDL_ABI } from '../helpers/toolchain';
import { runCli, tmpDir } from './helpers';

/** A guest that records `abi` in its hostwire.abi section instead of the header's version. */
function guestBuiltFor(dir: string, abi: string): string {
  const src = path.join(dir, 'abi.c');
  fs.writeFileSync(
    src,
    `#define SPEAR_NO_ABI_SECTION
#include <spear.h>
__asm__(".section .custom_section.hostwire.abi,\\"\\",@\\n.asciz \\"${abi}\\"\\n");
int main(void) {
    printf("running\\n");
    return sp_log_str(SP_LOG_INFO, "ran") == 0 ? 0 : 1;
}
`,
  );
  return compileWasm([src], path.join(dir, 'abi.wasm'));
}

describe('guest host: ABI version', () => {
  let dir: string;
  before(() => {
    dir = tmpDir('abi');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('hostwire run refuses a guest built for ABI 2.0.0, naming both versions, and exits 2', async () => {
    const file = guestBuiltFor(dir, 'spear/2.0.0');
    const r = await runCli(['run', file]);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, `hostwire: refusing ${file}: guest needs spear ABI 2.0.0, this host speaks 1.x (${IDL_ABI.version})\n`);
    assert.equal(r.code, 2);
  });

  it('Guest.load throws the GuestAbiError of checkGuestAbi', async () => {
    const file = guestBuiltFor(dir, 'spear/2.0.0');
    await assert.rejects(Guest.load(file), (e: unknown) => {
      assert.ok(e instanceof GuestAbiError);
      assert.equal(e.code, 'ERR_GUEST_ABI_MAJOR');
      assert.equal(e.message, `guest needs spear ABI 2.0.0, this host speaks 1.x (${IDL_ABI.version})`);
      return true;
    });
  });

  it('a guest built for a newer minor runs, with a warning on stderr', async () => {
    const newer = `${IDL_ABI.major}.${IDL_ABI.minor + 1}.0`;
    const file = guestBuiltFor(dir, `spear/${newer}`);
    const r = await runCli(['run', file]);
    assert.equal(r.stdout, 'running\n');
    assert.equal(
      r.stderr,
      `hostwire: warning: guest was built against spear ABI ${newer}, newer than this host's ${IDL_ABI.version}: a hostcall added after ${IDL_ABI.major}.${IDL_ABI.minor} fails instantiation with a LinkError, and enum values or flags added since are refused with -EINVAL\n` +
        '[guest INFO] ran\n',
    );
    assert.equal(r.code, 0);
  });

  it('a guest of the same version runs and reports its ABI', async () => {
    const g = await Guest.load(guestBuiltFor(dir, 'spear/1.0.0'));
    assert.deepEqual({ text: g.abi.text, source: g.abi.source, warnings: g.warnings }, { text: 'spear/1.0.0', source: 'section', warnings: [] });
  });
});
