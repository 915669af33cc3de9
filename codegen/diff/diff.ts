/** Compare two ABI models and classify every difference. Pure: models in, sorted changes out. */
import type { Model } from '../model';
import { diffAbi } from './abi';
import type { Change } from './change';
import { diffConstants } from './constants';
import { createContext } from './context';
import { diffDictionaries } from './dictionaries';
import { diffEnums } from './enums';
import { diffErrnos } from './errno';
import { diffFlags } from './flags';
import { diffHostcalls } from './hostcalls';
import { diffInterfaces } from './interfaces';
import { diffProtocols } from './protocols';
import { diffRecords } from './records';

export function diffModels(oldModel: Model, newModel: Model): Change[] {
  const ctx = createContext(oldModel, newModel);
  diffAbi(ctx);
  diffProtocols(ctx);
  diffErrnos(ctx);
  diffConstants(ctx);
  diffEnums(ctx);
  diffFlags(ctx);
  diffRecords(ctx);
  diffHostcalls(ctx);
  diffDictionaries(ctx);
  diffInterfaces(ctx);
  return ctx.out.sorted();
}
