/** The functions a generated header declares, read back from its text. */

export interface CParam {
  type: string;
  name: string;
}

export interface CFunction {
  name: string;
  ret: string;
  params: CParam[];
  variadic: boolean;
  /** `static inline` (a helper) rather than a declaration. */
  inline: boolean;
  /** For hostcall imports: the import name given to the import macro. */
  importName?: string;
}

/**
 * Every function declared or defined at column 0: `ret name(params);` after an import
 * macro line, or `static inline ret name(params) {`.
 */
export function parseFunctions(header: string): CFunction[] {
  const re = /^(?:(\w+)\("(\w+)"\)\n)?(static inline )?(\w+) (\*?)(\w+)\(([^)]*)\)(?: \{|;)$/gm;
  const fns: CFunction[] = [];
  for (const m of header.matchAll(re)) {
    const [, , importName, inline, ret, star, name, list] = m;
    const parts = list.split(',').map((p) => p.replace(/\s+/g, ' ').trim());
    const variadic = parts[parts.length - 1] === '...';
    const params = parts
      .filter((p) => p !== 'void' && p !== '...')
      .map((p) => {
        const at = p.search(/\w+$/);
        return { type: p.slice(0, at).trim(), name: p.slice(at) };
      });
    fns.push({ name, ret: star ? `${ret} *` : ret, params, variadic, inline: Boolean(inline), importName });
  }
  return fns;
}

/** An argument of C type `type` for a call that only has to type-check and link. */
function argument(type: string): string {
  if (/^(u?int(8|16|32|64)_t|size_t|int)$/.test(type)) return '0';
  if (type === 'const char *' || type === 'const void *') return '"x"';
  if (type === 'uint32_t *') return '&u32';
  if (type === 'uint8_t *' || type === 'const uint8_t *') return 'bytes';
  if (type === 'FILE *') return 'stderr';
  const record = /^(\w+_t) \*$/.exec(type);
  if (record) return `&var_${record[1]}`;
  throw new Error(`no test argument for C type '${type}'`);
}

/**
 * A translation unit that calls every public function in `fns` (everything but the
 * `sp_internal_*` scaffolding the helpers themselves call), so each is type-checked at a call
 * site and, when linked, every hostcall becomes an import.
 */
export function callEverything(fns: CFunction[]): string {
  const pub = fns.filter((f) => !f.name.startsWith('sp_internal_'));
  const pointee = (p: CParam) => /^(\w+_t) \*$/.exec(p.type)?.[1];
  const records = [...new Set(pub.flatMap((f) => f.params.map(pointee).filter((t): t is string => t !== undefined)))];
  const calls = pub.map((f) => {
    const call = `${f.name}(${f.params.map((p) => argument(p.type)).join(', ')})`;
    return f.ret === 'void' ? `    ${call};` : f.ret.endsWith('*') ? `    free(${call});` : `    (void)${call};`;
  });
  return [
    '#include <spear.h>',
    '',
    'int main(void) {',
    '    uint32_t u32 = 0;',
    '    uint8_t bytes[64] = {0};',
    ...records.map((t) => `    ${t} var_${t};\n    memset(&var_${t}, 0, sizeof var_${t});`),
    ...calls,
    '    return 0;',
    '}',
    '',
  ].join('\n');
}
