/** The ABI's own metadata: its name, the import module, its C naming. */
import type { DiffContext } from './context';

export function diffAbi(ctx: DiffContext): void {
  const a = ctx.old.abi;
  const b = ctx.new.abi;
  const { out } = ctx;
  if (a.name !== b.name) {
    out.breaking('renumbering', 'abi/name', `ABI name ${a.name} -> ${b.name}: hosts refuse guests that carry another ABI name`);
  }
  if (a.module !== b.module) {
    out.breaking('renumbering', 'abi/module', `import module ${a.module} -> ${b.module}: every hostcall's import changes, so guests built against the old ABI fail to link`);
  }
  out.doc('abi', a.doc, b.doc);
  const c = (key: string, x: string, y: string, what: string, consequence: string): void => {
    if (x !== y) out.sourceOnly('rename', `abi/c/${key}`, `${what} ${x} -> ${y}: ${consequence}`);
  };
  c('header', a.c.header, b.c.header, 'C header', 'guests must change their #include');
  c('guard', a.c.guard, b.c.guard, 'C include guard', 'code that tests the guard must change');
  c('function_prefix', a.c.functionPrefix, b.c.functionPrefix, 'C function prefix', 'every hostcall without its own c_name gets a new C name');
  c('constant_prefix', a.c.constantPrefix, b.c.constantPrefix, 'C constant prefix', 'errno codes and constants without their own c_name get new C names');
  c('import_macro', a.c.importMacro, b.c.importMacro, 'C import macro', 'code that uses the macro must change');
}
