/**
 * The C back end: `spear.h`, a drop-in for SPEAR's guest header, and the sub-headers it
 * includes (`spear_ssf.h`), one per `c_header` the IDL names.
 */
import type { GeneratedFile, Model } from '../../model';
import { render } from './render';
import { mainHeaderView, ssfHeaderView, type HeaderView } from './view';

/** The template of the main header, whatever the IDL names the file (`abi.c.header`). */
const MAIN_TEMPLATE = 'spear.h';

/**
 * The sub-headers this back end knows how to write, each with its own helpers (validation
 * refuses a `c_header` that is neither one of these nor the main header).
 */
export const SUB_HEADERS: Record<string, (model: Model, file: string) => HeaderView> = {
  'spear_ssf.h': ssfHeaderView,
};

export function emitC(model: Model): GeneratedFile[] {
  const main = mainHeaderView(model);
  const subs = main.subHeaders.map((file) => {
    const view = SUB_HEADERS[file];
    if (!view) throw new Error(`C back end: the IDL puts items in ${file}, a header it has no template for`);
    return { path: file, content: render(file, view(model, file)) };
  });
  return [{ path: model.abi.c.header, content: render(MAIN_TEMPLATE, main) }, ...subs];
}
