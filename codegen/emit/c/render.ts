/**
 * The handlebars environment of the C back end: the templates and partials under
 * `templates/`, read at run time, and the helpers they use.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Handlebars from 'handlebars';
import { cList } from './text';
import type { Call, Fn } from './view';

/** The templates live in the source tree; the compiled JS runs from `dist/codegen/emit/c/`. */
export const TEMPLATES = path.resolve(__dirname, '../../../../codegen/emit/c/templates');

/**
 * The column a helper's output starts at. Templates and partials are written so that a
 * mustache's column in its template is its column in the output: partials are included at
 * column 0, and nothing before a `signature` or `call` on its line is a mustache.
 */
function column(options: Handlebars.HelperOptions): number {
  return (options as unknown as { loc: { start: { column: number } } }).loc.start.column;
}

function createEnv(): typeof Handlebars {
  const hb = Handlebars.create();
  /** `ret name(params)`, wrapped one parameter per line when it does not fit. */
  hb.registerHelper('signature', (fn: Fn, options: Handlebars.HelperOptions) => {
    const head = fn.ret.endsWith('*') ? `${fn.ret}${fn.name}` : `${fn.ret} ${fn.name}`;
    return cList(head, fn.params.length ? fn.params : ['void'], column(options));
  });
  /** `fn(args)`, wrapped one argument per line when it does not fit. */
  hb.registerHelper('call', (call: Call, options: Handlebars.HelperOptions) => cList(call.fn, call.args, column(options)));
  hb.registerHelper('isVoid', (fn: Fn) => fn.ret === 'void');
  const partials = path.join(TEMPLATES, 'partials');
  for (const file of fs.readdirSync(partials).sort()) {
    if (!file.endsWith('.hbs')) continue;
    hb.registerPartial(path.basename(file, '.hbs'), fs.readFileSync(path.join(partials, file), 'utf8'));
  }
  return hb;
}

let env: typeof Handlebars | undefined;
const compiled = new Map<string, Handlebars.TemplateDelegate>();

/** Render `templates/<name>.hbs` with `view` (each template is compiled once per process). */
export function render(name: string, view: object): string {
  env ??= createEnv();
  let template = compiled.get(name);
  if (!template) {
    const file = path.join(TEMPLATES, `${name}.hbs`);
    if (!fs.existsSync(file)) throw new Error(`C back end: no template for ${name} (${file})`);
    template = env.compile(fs.readFileSync(file, 'utf8'), { noEscape: true, strict: true });
    compiled.set(name, template);
  }
  // Sections the IDL leaves empty would leave runs of blank lines: keep one.
  return template(view).replace(/\n{3,}/g, '\n\n');
}
