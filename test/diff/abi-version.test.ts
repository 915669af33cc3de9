/**
 * The ABI version in guest binaries: C guests compiled with clang carry `hostwire.abi`
 * records, and `checkGuestAbi` accepts or refuses them; hand-built modules cover what a
 * compiler does not produce (no section, conflicting or malformed records).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkGuestAbi, customSections, GuestAbiError, readGuestAbi, type GuestAbiErrorCode } from '../../runtime/guest/abi-version';
import { clang, compileWasm, GENERATED, tmpDir } from '../helpers/toolchain';
import { baseVersion } from './variant';

declare const WebAssembly: {
  Module: { new (bytes: Uint8Array): object; customSections(m: object, name: string): ArrayBuffer[] };
};

const SPEAR_1_0 = { name: 'spear', major: 1, minor: 0, patch: 0 };

/** One translation unit's record, written as the generated header writes it. */
const record = (text: string): string => `__asm__(".section .custom_section.hostwire.abi,\\"\\",@\\n.asciz \\"${text}\\"\\n");\n`;

function refusal(f: () => unknown, code: GuestAbiErrorCode, message: string): void {
  assert.throws(f, (e: unknown) => {
    assert.ok(e instanceof GuestAbiError, String(e));
    assert.equal(e.code, code);
    assert.equal(e.message, message);
    return true;
  });
}

// ---- hand-built modules ----------------------------------------------------------------

const leb = (n: number): number[] => {
  const out: number[] = [];
  do {
    const byte = n & 0x7f;
    n >>>= 7;
    out.push(n ? byte | 0x80 : byte);
  } while (n);
  return out;
};
const ascii = (s: string): number[] => Array.from(Buffer.from(s, 'latin1'));
const custom = (name: string, payload: string): number[] => {
  const body = [...leb(name.length), ...ascii(name), ...ascii(payload)];
  return [0, ...leb(body.length), ...body];
};
const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
const wasmModule = (...sections: number[][]): Uint8Array => Uint8Array.from([...HEADER, ...sections.flat()]);

describe('guest ABI version: hand-built modules', () => {
  it('the modules built here are valid wasm', () => {
    for (const m of [wasmModule(), wasmModule(custom('hostwire.abi', 'spear/1.0.0\0'), custom('name', 'x'))]) new WebAssembly.Module(m);
  });

  it('no section: taken as SPEAR\'s own header, spear 1.x, and accepted by a 1.x host', () => {
    assert.equal(readGuestAbi(wasmModule()), undefined);
    const r = checkGuestAbi(wasmModule(custom('producers', 'x')), { name: 'spear', major: 1, minor: 4 });
    assert.deepEqual(r, { guest: { ...SPEAR_1_0, text: 'spear/1.0.0', source: 'assumed', records: [] }, warnings: [] });
  });

  it('no section on a 2.x host: refused, naming both sides', () => {
    refusal(
      () => checkGuestAbi(wasmModule(), { name: 'spear', major: 2, minor: 0, patch: 1 }),
      'ERR_GUEST_ABI_MAJOR',
      "guest has no hostwire.abi section, so it was built against SPEAR's own header (spear ABI 1.x), this host speaks 2.x (2.0.1)",
    );
  });

  it('conflicting records in one section: refused', () => {
    refusal(
      () => checkGuestAbi(wasmModule(custom('hostwire.abi', 'spear/1.0.0\0spear/2.0.0\0')), SPEAR_1_0),
      'ERR_GUEST_ABI_CONFLICT',
      'conflicting hostwire.abi records in the guest: spear/1.0.0 and spear/2.0.0 (its translation units were built against incompatible headers)',
    );
  });

  it('conflicting records in two sections, or two ABI names: refused', () => {
    refusal(
      () => readGuestAbi(wasmModule(custom('hostwire.abi', 'spear/2.1.0\0'), custom('hostwire.abi', 'spear/1.0.0\0'))),
      'ERR_GUEST_ABI_CONFLICT',
      'conflicting hostwire.abi records in the guest: spear/2.1.0 and spear/1.0.0 (its translation units were built against incompatible headers)',
    );
    refusal(
      () => readGuestAbi(wasmModule(custom('hostwire.abi', 'spear/1.0.0\0other/1.0.0\0'))),
      'ERR_GUEST_ABI_CONFLICT',
      'conflicting hostwire.abi records in the guest: spear/1.0.0 and other/1.0.0 (its translation units were built against incompatible headers)',
    );
  });

  it('minors of one major combine: the guest needs the newest; padding NULs are skipped', () => {
    const g = readGuestAbi(wasmModule(custom('hostwire.abi', 'spear/1.0.0\0\0\0spear/1.2.0\0spear/1.1.5\0')));
    assert.deepEqual(g, { name: 'spear', major: 1, minor: 2, patch: 0, text: 'spear/1.2.0', source: 'section', records: ['spear/1.0.0', 'spear/1.2.0', 'spear/1.1.5'] });
  });

  it('malformed records are refused with what was expected', () => {
    refusal(() => readGuestAbi(wasmModule(custom('hostwire.abi', 'spear/1.0.0'))), 'ERR_GUEST_ABI_MALFORMED', "the hostwire.abi section ends inside a record (no NUL after 'spear/1.0.0')");
    refusal(() => readGuestAbi(wasmModule(custom('hostwire.abi', 'spear-1\0'))), 'ERR_GUEST_ABI_MALFORMED', "malformed hostwire.abi record 'spear-1': expected <abi name>/<major>.<minor>.<patch>");
    refusal(() => readGuestAbi(wasmModule(custom('hostwire.abi', 'spear/01.0.0\0'))), 'ERR_GUEST_ABI_MALFORMED', "malformed hostwire.abi record 'spear/01.0.0': expected <abi name>/<major>.<minor>.<patch>");
    refusal(() => readGuestAbi(wasmModule(custom('hostwire.abi', ''))), 'ERR_GUEST_ABI_MALFORMED', 'the hostwire.abi section holds no record');
  });

  it('a broken binary is refused as such', () => {
    refusal(() => readGuestAbi(Uint8Array.from(ascii('not wasm'))), 'ERR_GUEST_WASM_MALFORMED', 'not a valid wasm module: no \\0asm magic');
    const truncated = wasmModule(custom('hostwire.abi', 'spear/1.0.0\0')).slice(0, -3);
    refusal(() => readGuestAbi(truncated), 'ERR_GUEST_WASM_MALFORMED', 'not a valid wasm module: section 0 at byte 10 runs past the end (25 bytes)');
  });

  it('reads only sections named exactly hostwire.abi, from a Uint8Array, a Buffer or an ArrayBuffer', () => {
    const m = wasmModule(custom('hostwire.abix', 'other/9.0.0\0'), custom('hostwire.abi', 'spear/1.0.0\0'));
    for (const input of [m, Buffer.from(m), m.slice().buffer]) assert.equal(readGuestAbi(input)?.text, 'spear/1.0.0');
  });
});

// ---- C guests compiled with clang ------------------------------------------------------

describe('guest ABI version: C guests compiled with clang', function () {
  let dir: string;
  before(function () {
    try {
      clang();
    } catch {
      this.skip();
    }
    dir = tmpDir('abi-guest');
  });
  after(() => dir && fs.rmSync(dir, { recursive: true, force: true }));

  let n = 0;
  /** Compile translation units (the first holds main) into one guest; returns its bytes. */
  function guest(units: string[], extra: string[] = []): Uint8Array {
    const id = n++;
    const files = units.map((src, i) => {
      const p = path.join(dir, `g${id}_${i}.c`);
      fs.writeFileSync(p, i === 0 ? `${src}int main(void) { return 0; }\n` : `${src}int unit${i}(void);\nint unit${i}(void) { return ${i}; }\n`);
      return p;
    });
    const out = path.join(dir, `g${id}.wasm`);
    compileWasm(files, out, extra);
    return fs.readFileSync(out);
  }

  it('clang writes the record into a custom section that wasm-objdump lists', function () {
    const wasm = guest([record('spear/2.0.0')]);
    const file = path.join(dir, 'objdump.wasm');
    fs.writeFileSync(file, wasm);
    const r = spawnSync('wasm-objdump', ['-h', file], { encoding: 'utf8' });
    if (r.error) this.skip(); // wabt not installed
    assert.match(r.stdout, /Custom .*"hostwire\.abi"/);
    // and V8 sees the same bytes this module parses
    const v8 = WebAssembly.Module.customSections(new WebAssembly.Module(wasm), 'hostwire.abi').map((b) => Buffer.from(b).toString('latin1'));
    assert.deepEqual(v8, customSections(wasm, 'hostwire.abi').map((b) => Buffer.from(b).toString('latin1')));
    assert.deepEqual(v8, ['spear/2.0.0\0']);
  });

  it('a guest built against spear 2.0.0 is refused by a 1.0.0 host, naming both versions', () => {
    refusal(() => checkGuestAbi(guest([record('spear/2.0.0')]), SPEAR_1_0), 'ERR_GUEST_ABI_MAJOR', 'guest needs spear ABI 2.0.0, this host speaks 1.x (1.0.0)');
  });

  it('the same major is accepted; an older minor silently, a newer minor with a warning', () => {
    assert.deepEqual(checkGuestAbi(guest([record('spear/1.0.0')]), { name: 'spear', major: 1, minor: 1, patch: 0 }).warnings, []);
    const r = checkGuestAbi(guest([record('spear/1.3.0')]), { name: 'spear', major: 1, minor: 1, patch: 2 });
    assert.equal(r.guest.text, 'spear/1.3.0');
    assert.deepEqual(r.warnings, [
      "guest was built against spear ABI 1.3.0, newer than this host's 1.1.2: a hostcall added after 1.1 fails instantiation with a LinkError, and enum values or flags added since are refused with -EINVAL",
    ]);
  });

  it('several translation units: wasm-ld concatenates their records', () => {
    const same = readGuestAbi(guest([record('spear/1.0.0'), record('spear/1.0.0')]));
    assert.deepEqual(same?.records, ['spear/1.0.0', 'spear/1.0.0']);
    const mixed = readGuestAbi(guest([record('spear/1.0.0'), record('spear/1.2.0')]));
    assert.deepEqual([mixed?.text, mixed?.records], ['spear/1.2.0', ['spear/1.0.0', 'spear/1.2.0']]);
  });

  it('translation units built against different majors: refused as a conflict', () => {
    refusal(
      () => checkGuestAbi(guest([record('spear/1.0.0'), record('spear/2.0.0')]), SPEAR_1_0),
      'ERR_GUEST_ABI_CONFLICT',
      'conflicting hostwire.abi records in the guest: spear/1.0.0 and spear/2.0.0 (its translation units were built against incompatible headers)',
    );
  });

  it('another ABI name is refused', () => {
    refusal(() => checkGuestAbi(guest([record('other/1.0.0')]), SPEAR_1_0), 'ERR_GUEST_ABI_NAME', 'guest needs other ABI 1.0.0, this host speaks spear ABI 1.x (1.0.0)');
  });

  it('a guest without the section is taken as spear 1.x', () => {
    const wasm = guest(['']);
    assert.equal(checkGuestAbi(wasm, SPEAR_1_0).guest.source, 'assumed');
    assert.throws(() => checkGuestAbi(wasm, { name: 'spear', major: 2, minor: 0 }), { code: 'ERR_GUEST_ABI_MAJOR' });
  });

  it('clang 14: a section attribute does not make a custom section (why the header uses asm)', function () {
    const version = spawnSync(clang(), ['--version'], { encoding: 'utf8' }).stdout;
    if (!/clang version 14\./.test(version)) this.skip();
    const attr = 'static const char v[] __attribute__((used, section(".custom_section.hostwire.abi"))) = "spear/2.0.0";\n';
    const wasm = guest([attr]);
    // the record went into a data segment that wasm-ld dropped: the guest would pass for spear 1.x
    assert.equal(readGuestAbi(wasm), undefined);
  });

  it('a guest including the generated spear.h carries the IDL version; SPEAR_NO_ABI_SECTION leaves it out', function () {
    if (!fs.existsSync(path.join(GENERATED, 'c', 'spear.h'))) this.skip();
    const v = baseVersion();
    const withHeader = readGuestAbi(guest(['#include "spear.h"\n', '#include "spear.h"\n']));
    assert.deepEqual(withHeader?.records, [`spear/${v.text}`, `spear/${v.text}`]);
    const own = readGuestAbi(guest([`#include "spear.h"\n${record('spear/2.0.0')}`], ['-DSPEAR_NO_ABI_SECTION']));
    assert.deepEqual(own?.records, ['spear/2.0.0']);
  });
});
