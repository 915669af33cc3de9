/**
 * The handlebars templates of the back ends. Each back end has its own environment (its
 * helpers and partials); templates and partials are read from the source tree (the compiled
 * JS runs from `dist/`) and each is compiled once per process, the first time it is used.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Handlebars from 'handlebars';

/** Output as written: no HTML escaping; a missing value is an error, not an empty string. */
const COMPILE_OPTIONS: CompileOptions = { noEscape: true, strict: true };

/** The templates of back end `backend`, under `codegen/emit/<backend>/templates`. */
export function templatesDir(backend: string): string {
  return path.resolve(__dirname, '../../../../codegen/emit', backend, 'templates');
}

export interface TemplateSetOptions {
  /** Helpers the templates call, by name. */
  helpers?: Record<string, Handlebars.HelperDelegate>;
  /** A folder of partials, each `<name>.hbs` registered as `name`. */
  partials?: string;
  /** What is done to every rendered text (by default nothing). */
  tidy?: (text: string) => string;
}

/** One back end's templates: `render(name, view)` renders `<dir>/<name>.hbs`. */
export class TemplateSet {
  private readonly hb = Handlebars.create();
  private readonly compiled = new Map<string, HandlebarsTemplateDelegate>();
  private readonly tidy: (text: string) => string;

  constructor(
    /** Who renders, for error messages (`C back end`). */
    readonly owner: string,
    readonly dir: string,
    options: TemplateSetOptions = {},
  ) {
    for (const [name, helper] of Object.entries(options.helpers ?? {})) this.hb.registerHelper(name, helper);
    if (options.partials !== undefined) {
      for (const file of fs.readdirSync(options.partials).sort()) {
        if (!file.endsWith('.hbs')) continue;
        // Registered compiled, so that every template that includes a partial shares one compilation.
        this.hb.registerPartial(path.basename(file, '.hbs'), this.hb.compile(fs.readFileSync(path.join(options.partials, file), 'utf8'), COMPILE_OPTIONS));
      }
    }
    this.tidy = options.tidy ?? ((text) => text);
  }

  /** The compiled `<name>.hbs`. */
  template(name: string): HandlebarsTemplateDelegate {
    let template = this.compiled.get(name);
    if (template === undefined) {
      const file = path.join(this.dir, `${name}.hbs`);
      if (!fs.existsSync(file)) throw new Error(`${this.owner}: no template for ${name} (${file})`);
      template = this.hb.compile(fs.readFileSync(file, 'utf8'), COMPILE_OPTIONS);
      this.compiled.set(name, template);
    }
    return template;
  }

  render(name: string, view: object): string {
    return this.tidy(this.template(name)(view));
  }
}

/** At most one blank line in a row: sections the model leaves empty would leave runs of them. */
export function collapseBlankLines(text: string): string {
  return text.replace(/\n{3,}/g, '\n\n');
}

/**
 * Trailing spaces and tabs: a match starts only where a run of them starts, so a run that does
 * not end its line (indentation) is looked at once, not once from each of its characters.
 */
const TRAILING_BLANKS = /(?<![ \t])[ \t]+$/gm;

/** No trailing spaces, at most one blank line in a row, and one newline at the end. */
export function tidyLines(text: string): string {
  return `${collapseBlankLines(text.replace(TRAILING_BLANKS, '')).trimEnd()}\n`;
}
