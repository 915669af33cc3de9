/**
 * The protocols' versions in the bindings: generated/ts PROTOCOLS and the C++ k<Name>Version*
 * constants say what the IDL says (read here from the YAML, not through the generator), and
 * an IDL without protocols gets an empty PROTOCOLS and no protocol constants.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { buildModel } from '../../codegen/frontend';
import { emitAll } from '../../codegen/pipeline';
import * as hw from '../../generated/ts/index';
import { GENERATED, ROOT } from '../helpers/toolchain';
import { editedIdl } from './cli-helpers';

interface IdlProtocol {
  name: string;
  version: string;
}

/** Every `protocols` entry of the IDL files, as written. */
function idlProtocols(dir = path.join(ROOT, 'idl')): IdlProtocol[] {
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .flatMap((f) => ((parse(fs.readFileSync(path.join(dir, f), 'utf8')) as { protocols?: IdlProtocol[] }).protocols ?? []));
}

const semver = (v: string) => {
  const [major, minor, patch] = v.split('.').map(Number);
  return { major, minor, patch };
};

describe('protocol versions in the bindings', () => {
  const protocols = idlProtocols();

  it('the IDL declares the transfer protocol', () => {
    assert.deepEqual(protocols.map((p) => p.name), ['transfer']);
  });

  it('generated/ts: PROTOCOLS has one entry per protocol, with its version', () => {
    assert.deepEqual(
      hw.PROTOCOLS,
      Object.fromEntries(protocols.map((p) => [p.name, { name: p.name, version: p.version, ...semver(p.version) }])),
    );
  });

  it('generated/cpp: kTransferVersion and kTransferVersionMajor/Minor/Patch, beside kAbiVersion', () => {
    const hpp = fs.readFileSync(path.join(GENERATED, 'cpp', 'hostwire_abi.hpp'), 'utf8');
    const transfer = protocols.find((p) => p.name === 'transfer')!;
    const v = semver(transfer.version);
    assert.match(hpp, new RegExp(`^constexpr const char \\*kTransferVersion = "${transfer.version.replace(/\./g, '\\.')}";$`, 'm'));
    assert.match(hpp, new RegExp(`^constexpr uint32_t kTransferVersionMajor = ${v.major};$`, 'm'));
    assert.match(hpp, new RegExp(`^constexpr uint32_t kTransferVersionMinor = ${v.minor};$`, 'm'));
    assert.match(hpp, new RegExp(`^constexpr uint32_t kTransferVersionPatch = ${v.patch};$`, 'm'));
    assert.ok(hpp.indexOf('kTransferVersion') > hpp.indexOf('kAbiVersionPatch'), 'after the ABI version');
    assert.ok(hpp.indexOf('kTransferVersion') < hpp.indexOf('// ---- errno'), 'in the version section');
  });

  it('the guest C header has no protocol version macros', () => {
    const h = fs.readFileSync(path.join(GENERATED, 'c', 'spear.h'), 'utf8');
    assert.doesNotMatch(h, /TRANSFER_VERSION/);
  });

  it('a protocol version follows the IDL: transfer 2.1.3 gives kTransferVersionMajor = 2 and PROTOCOLS.transfer.major 2', () => {
    const dir = editedIdl({ 'transfer.yaml': [[/^    version: \d+\.\d+\.\d+\n/m, '    version: 2.1.3\n']] });
    const files = new Map(emitAll(buildModel(path.join(dir, 'idl'))).map((f) => [f.path, f.content]));
    const hpp = files.get('cpp/hostwire_abi.hpp')!;
    assert.match(hpp, /^constexpr const char \*kTransferVersion = "2\.1\.3";$/m);
    assert.match(hpp, /^constexpr uint32_t kTransferVersionMajor = 2;$/m);
    assert.match(hpp, /^constexpr uint32_t kAbiVersionMajor = 1;$/m);
    assert.match(files.get('ts/constants.ts')!, /transfer: \{\n(.*\n)*? {4}major: 2,\n/);
    assert.match(files.get('test/values.test.ts')!, /transfer: \{ name: 'transfer', version: '2\.1\.3', major: 2, minor: 1, patch: 3 \}/);
    assert.match(files.get('docs/ABI.md')!, /^### Protocol `transfer` 2\.1\.3$/m);
  });
});
