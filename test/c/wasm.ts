/**
 * What the C tests read from linked guests: the imports with their signatures and the custom
 * sections, through the runtime's own readers (the ones `hostwire run` trusts).
 */
import { customSections } from '../../runtime/guest/abi-version';
import { readModuleImports, type ModuleImport } from '../../runtime/guest/link';

export interface WasmInfo {
  imports: ModuleImport[];
  bytes: Uint8Array;
}

export function readWasm(bytes: Uint8Array): WasmInfo {
  return { imports: readModuleImports(bytes), bytes };
}

/** The concatenated bytes of every custom section called `name` (empty when there is none). */
export function customSection(info: WasmInfo, name: string): Buffer {
  return Buffer.concat(customSections(info.bytes, name));
}
