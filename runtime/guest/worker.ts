/**
 * A guest's thread (`worker_threads`): checks the guest, creates its native instance, builds
 * WASI and the `spear` imports, runs `_start` and reports how it ended. See README.md.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadNative } from '../native';
import { auditImports } from './audit';
import { hostBridge } from './bridge';
import { describeTrap, EXIT_HOST_ERROR, EXIT_KILLED, EXIT_TRAP, isTrap } from './exit';
import { createGuestImports, GuestAborted, type GuestHostEvents } from './hostcalls';
import { formatLogLine, logLevelName } from './log';
import type { GuestEnd, WorkerInit, WorkerMessage } from './messages';
import { prepareGuest } from './prepare';
import { createGuestWasi } from './wasi';
import { isMemory, isTable, WebAssemblyApi, type WasmMemory, type WasmTable } from './wasm-api';
import { writeAllSync } from './write-sync';

function post(m: WorkerMessage, transfer?: ArrayBuffer[]): void {
  parentPort!.postMessage(m, transfer);
}

function errorOf(e: unknown, fallbackCode: string): { code: string; message: string } {
  const code = (e as { code?: unknown } | null)?.code;
  return { code: typeof code === 'string' ? code : fallbackCode, message: e instanceof Error ? e.message : String(e) };
}

function run(init: WorkerInit): GuestEnd {
  let memory: WasmMemory | undefined;
  let table: WasmTable | undefined;
  const guestMemory = (): WasmMemory => {
    if (!memory) throw new Error('the guest called the host before it was instantiated');
    return memory;
  };

  const wasi = createGuestWasi(init, guestMemory, (stream, data) => post({ type: 'stdio', stream, data }, [data.buffer as ArrayBuffer]));
  try {
    let prepared;
    try {
      prepared = prepareGuest(init.wasm, wasi.names);
    } catch (e) {
      return { exitCode: 2, error: errorOf(e, 'ERR_GUEST_LINK') };
    }

    const binding = loadNative();
    const bridge = hostBridge(binding);
    const inst = new binding.GuestInstance();
    try {
      const warned = new Set<string>();
      const logFd = init.log;
      const events: GuestHostEvents = {
        request: (r) => post({ type: 'chat-request', responseFd: r.responseFd, request: r.request }),
        callbackResult: (id, outcome) => {
          if (outcome.problem !== undefined && !warned.has(outcome.problem)) {
            warned.add(outcome.problem);
            post({ type: 'warning', message: outcome.problem });
          }
          post({ type: 'callback-result', id, rc: outcome.rc, output: outcome.output });
        },
        log:
          logFd === 'post'
            ? (level, message) => post({ type: 'log', level, message })
            : (level, message) => writeAllSync(logFd, formatLogLine({ level, levelName: logLevelName(level)!, message })),
      };
      let spear = createGuestImports(inst, inst.wasmImports(), bridge, { memory: guestMemory, table: () => table }, events);
      const audit = init.auditErrnos ? auditImports(spear) : undefined;
      if (audit) spear = audit.imports;
      post({ type: 'ready', instanceId: bridge.instanceId(inst), warnings: prepared.warnings });

      let end: GuestEnd;
      try {
        // A wasm start function runs during instantiation: it may trap too.
        const instance = new WebAssemblyApi.Instance(new WebAssemblyApi.Module(init.wasm), { ...wasi.imports, spear });
        const exported = instance.exports;
        if (!isMemory(exported.memory)) return { exitCode: 2, error: { code: 'ERR_GUEST_LINK', message: 'the guest exports no memory' } };
        if (typeof exported._start !== 'function') {
          return { exitCode: 2, error: { code: 'ERR_GUEST_LINK', message: 'the guest exports no _start: it is not a WASI command' } };
        }
        memory = exported.memory;
        inst.attachMemory(memory);
        table = isTable(exported.__indirect_function_table) ? exported.__indirect_function_table : undefined;
        end = { exitCode: wasi.start(instance) };
      } catch (e) {
        if (e instanceof GuestAborted) end = { exitCode: EXIT_KILLED, aborted: true };
        else if (isTrap(e)) end = { exitCode: EXIT_TRAP, trap: describeTrap(e) };
        else end = { exitCode: EXIT_HOST_ERROR, error: errorOf(e, 'ERR_GUEST_HOST') };
        if (end.error && e instanceof Error && e.stack) end.error.message = e.stack;
      }
      if (audit) end.audit = audit.report();
      return end;
    } finally {
      bridge.releaseInstance(inst);
    }
  } finally {
    wasi.close();
  }
}

if (parentPort) {
  let end: GuestEnd;
  try {
    end = run(workerData as WorkerInit);
  } catch (e) {
    end = { exitCode: EXIT_HOST_ERROR, error: errorOf(e, 'ERR_GUEST_HOST') };
  }
  post({ type: 'exit', ...end });
}
