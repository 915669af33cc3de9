/** The TypeScript back end itself (codegen/emit/ts): determinism, file shape, docs, limits. */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { Node, Project, SyntaxKind } from 'ts-morph';
import { buildModel } from '../../codegen/pipeline';
import type { GeneratedFile, Hostcall, Model } from '../../codegen/model';
import { emitTs } from '../../codegen/emit/ts';
import { planHostcall } from '../../codegen/resolve/plan';
import { camel, pascal, upperSnake, withArticle } from '../../codegen/emit/ts/naming';
import { ROOT } from '../helpers/toolchain';

const idl = path.join(ROOT, 'idl');
const model: Model = buildModel(idl);

function parse(files: GeneratedFile[]): Project {
  const project = new Project({ useInMemoryFileSystem: true });
  for (const f of files) project.createSourceFile(f.path, f.content);
  return project;
}

describe('ts: the TypeScript back end', () => {
  let files: GeneratedFile[];
  before(() => {
    files = emitTs(model);
  });

  it('emits the six files, relative to generated/ts/', () => {
    assert.deepStrictEqual(files.map((f) => f.path), ['errno.ts', 'constants.ts', 'records.ts', 'hostcalls.ts', 'sdk.ts', 'index.ts']);
  });

  it('is deterministic: emitting twice, from the same or a rebuilt model, gives identical text', () => {
    assert.deepStrictEqual(emitTs(model), files);
    assert.deepStrictEqual(emitTs(buildModel(idl)), files);
  });

  it('starts every file with the one generated-file line, and ends it with one newline', () => {
    for (const f of files) {
      const [first, second] = f.content.split('\n');
      assert.equal(first, '// Generated from the IDL by `hostwire generate` (codegen/emit/ts). Do not edit: change idl/*.yaml and regenerate.', f.path);
      assert.match(second, /^\/\*\* .+ \*\/$/, f.path);
      assert.ok(f.content.endsWith(';\n') || f.content.endsWith('}\n'), f.path);
      assert.ok(!f.content.endsWith('\n\n'), f.path);
      assert.ok(!/[ \t]+$/m.test(f.content), `${f.path} has trailing whitespace`);
      assert.ok(!/\t/.test(f.content), `${f.path} has tabs`);
    }
  });

  it('index.ts re-exports every other file', () => {
    const index = files.find((f) => f.path === 'index.ts')!.content;
    for (const m of ['errno', 'constants', 'records', 'hostcalls', 'sdk']) assert.ok(index.includes(`export * from './${m}';`), m);
  });

  it('documents every export and every member of an exported interface', () => {
    const project = parse(files);
    const missing: string[] = [];
    for (const sf of project.getSourceFiles()) {
      if (sf.getBaseName() === 'index.ts') continue;
      for (const [name, decls] of sf.getExportedDeclarations()) {
        for (const d of decls) {
          const host = Node.isVariableDeclaration(d) ? d.getVariableStatementOrThrow() : d;
          if (!Node.isJSDocable(host) || host.getJsDocs().length === 0) missing.push(`${sf.getBaseName()}: ${name}`);
          if (Node.isInterfaceDeclaration(d)) {
            for (const m of d.getMembers()) {
              if (Node.isJSDocable(m) && m.getJsDocs().length === 0) missing.push(`${sf.getBaseName()}: ${name}.${m.getText().split(/[(:]/)[0]}`);
            }
          }
        }
      }
    }
    assert.deepStrictEqual(missing, []);
  });

  it('has no `any` anywhere in the generated code', () => {
    const project = parse(files);
    for (const sf of project.getSourceFiles()) {
      assert.deepStrictEqual(sf.getDescendantsOfKind(SyntaxKind.AnyKeyword).map((n) => n.getParent()?.getText()), [], sf.getBaseName());
    }
  });

  it('generates codecs as straight-line DataView code with explicit little-endian', () => {
    const records = files.find((f) => f.path === 'records.ts')!.content;
    assert.ok(records.includes('view.getUint32(offset + 4, true)'));
    assert.ok(records.includes('view.setBigUint64(offset + 12, v.nonce, true)'));
    // Every multi-byte access passes the little-endian flag.
    const accesses = records.match(/view\.(get|set)(Int|Uint|BigInt|BigUint)(16|32|64)\((?:[^()]|\([^()]*\))*\)/g) ?? [];
    assert.ok(accesses.length > 50);
    assert.deepStrictEqual(accesses.filter((a) => !a.endsWith(', true)')), []);
    // Nothing walks a layout table at run time.
    assert.ok(!/\.fields\)|in this\.fields|fields\[/.test(records));
  });

  describe('shapes it cannot bind are errors, not wrong code', () => {
    const clone = (): Model => structuredClone(model);

    it('two declarations with one TypeScript name', () => {
      const m = clone();
      assert.equal(m.records[0].name, 'epoll_event');
      m.records[1].name = 'epoll__event';
      assert.throws(() => emitTs(m), /two declarations of records\.ts are both named 'EpollEvent'/);
    });
  });

  describe('64-bit types (none in the hostcalls of the IDL yet)', () => {
    it('an i64 hostcall parameter is a bigint in the wasm signature and for the implementation', () => {
      const m: Model = structuredClone(model);
      const sleep = m.hostcalls.find((h) => h.name === 'sleep_ms')!;
      // A new IntInfo: the clone shares one object per integer type, like the model.
      sleep.params[0].int = { ...sleep.params[0].int, name: 'i64', bytes: 8, c: 'int64_t', wasm: 'i64', min: -(1n << 63n), max: (1n << 63n) - 1n };
      sleep.params[0].lowered = [{ ...sleep.params[0].lowered[0], wasm: 'i64' }];
      sleep.params[0].timeout = false; // a retry budget is a 32-bit number of ms
      sleep.wasmParams = sleep.params[0].lowered;
      sleep.plan = planHostcall(sleep.params, sleep.returns);
      const hostcalls = emitTs(m).find((f) => f.path === 'hostcalls.ts')!.content;
      assert.ok(hostcalls.includes('  sleep_ms(ms: bigint): void | number;\n'));
      assert.ok(hostcalls.includes('  readonly sleep_ms: (ms: bigint) => void;\n'));
      assert.ok(hostcalls.includes('    sleep_ms: (ms: bigint): void | number => impl.sleep_ms(BigInt.asIntN(64, ms)),\n'));
      assert.ok(hostcalls.includes("{ name: 'ms', kind: 'int', wasm: [{ name: 'ms', type: 'i64', role: 'value' }] }"));
    });

    it('a u64 constant is a bigint literal', () => {
      const m: Model = structuredClone(model);
      const c = m.constants.find((x) => x.name === 'LOG_MAX_BYTES')!;
      c.type = { ...c.type, name: 'u64', bytes: 8, wasm: 'i64', max: (1n << 64n) - 1n };
      c.value = (1n << 60n) + 1n;
      const constants = emitTs(m).find((f) => f.path === 'constants.ts')!.content;
      assert.ok(constants.includes('export const LOG_MAX_BYTES = 1152921504606846977n;\n'));
    });
  });

  describe('naming', () => {
    it('PascalCase, camelCase and UPPER_SNAKE from IDL names', () => {
      assert.equal(pascal('epoll_op'), 'EpollOp');
      assert.equal(pascal('ssf_v1_wire_header'), 'SsfV1WireHeader');
      assert.equal(camel('load_remote_conn_info'), 'loadRemoteConnInfo');
      assert.equal(camel('timeout_ms'), 'timeoutMs');
      assert.equal(camel('fn'), 'fn');
      assert.equal(upperSnake('session_options'), 'SESSION_OPTIONS');
      assert.equal(withArticle('i32'), 'an i32');
      assert.equal(withArticle('u16'), 'a u16');
    });
  });
});
