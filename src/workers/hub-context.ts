/**
 * The hub as a worker sees it: the network, the landed-cost rules and the FX tables, sent once per
 * worker under a key that changes when any of them is replaced (a new network version, reloaded rates).
 */
import type { Network } from '../domain/index.ts';
import type { DutyRules, FxTables } from '../duties/index.ts';

/** What a worker needs to answer quotes and landed cost like the server. */
export interface HubContext {
  readonly network: Network;
  readonly rules: DutyRules;
  readonly fxTables: FxTables;
}

const ids = new WeakMap<object, number>();
let next = 1;
const idOf = (o: object): number => {
  let id = ids.get(o);
  if (id === undefined) {
    id = next++;
    ids.set(o, id);
  }
  return id;
};

/** The key of this network, rules and tables together: the same objects, the same key. */
export function hubContextKey(c: HubContext): string {
  return `hub:${idOf(c.network)}:${idOf(c.rules)}:${idOf(c.fxTables)}`;
}
