/**
 * The handlebars environment of the C back end: the templates and partials under
 * `templates/`, read at run time, and the helpers they use.
 */
import * as path from 'node:path';
import type Handlebars from 'handlebars';
import { collapseBlankLines, TemplateSet, templatesDir } from '../shared/templates';
import { cList } from './text';
import type { Call, Fn } from './view';

export const TEMPLATES = templatesDir('c');

/**
 * The column a helper's output starts at. Templates and partials are written so that a
 * mustache's column in its template is its column in the output: partials are included at
 * column 0, and nothing before a `signature` or `call` on its line is a mustache.
 */
function column(options: Handlebars.HelperOptions): number {
  return (options as unknown as { loc: { start: { column: number } } }).loc.start.column;
}

let templates: TemplateSet | undefined;

function createTemplates(): TemplateSet {
  return new TemplateSet('C back end', TEMPLATES, {
    helpers: {
      /** `ret name(params)`, wrapped one parameter per line when it does not fit. */
      signature: (fn: Fn, options: Handlebars.HelperOptions) => {
        const head = fn.ret.endsWith('*') ? `${fn.ret}${fn.name}` : `${fn.ret} ${fn.name}`;
        return cList(head, fn.params.length ? fn.params : ['void'], column(options));
      },
      /** `fn(args)`, wrapped one argument per line when it does not fit. */
      call: (call: Call, options: Handlebars.HelperOptions) => cList(call.fn, call.args, column(options)),
      isVoid: (fn: Fn) => fn.ret === 'void',
    },
    partials: path.join(TEMPLATES, 'partials'),
    tidy: collapseBlankLines,
  });
}

/** Render `templates/<name>.hbs` with `view` (each template is compiled once per process). */
export function render(name: string, view: object): string {
  templates ??= createTemplates();
  return templates.render(name, view);
}
