import type { EventCode } from './codes.ts';
import type { Hold } from './state.ts';

/**
 * The stages of a container (or a bag, a ULD: anything parcels are aggregated in): `open` while
 * parcels go in, `closed` once sealed and gated in, `loaded` on its vehicle, `departed` in transit,
 * `arrived` at a terminal, `stripped` once emptied at destination.
 */
export const CONTAINER_STAGES = ['open', 'closed', 'loaded', 'departed', 'arrived', 'stripped'] as const;
export type ContainerStage = (typeof CONTAINER_STAGES)[number];

export interface ContainerState {
  readonly stage: ContainerStage;
  readonly hold: Hold | null;
}

/** A container nothing has happened to: open, taking parcels. */
export const OPEN_CONTAINER: ContainerState = { stage: 'open', hold: null };

const MOVES: Readonly<Partial<Record<EventCode, Partial<Record<ContainerStage, ContainerStage>>>>> = {
  GATED_IN: { open: 'closed', closed: 'closed' },
  LOADED: { open: 'loaded', closed: 'loaded', loaded: 'loaded', arrived: 'loaded' },
  DEPARTED: { closed: 'departed', loaded: 'departed', arrived: 'departed', departed: 'departed' },
  BORDER_CROSSED: { departed: 'departed' },
  DISCHARGED: { departed: 'departed', arrived: 'arrived' },
  ARRIVED: { departed: 'arrived', arrived: 'arrived' },
  DECONSOLIDATED: { open: 'open', closed: 'open', arrived: 'stripped' },
};

const EXPORT_HOLD: ReadonlySet<ContainerStage> = new Set(['open', 'closed', 'loaded']);
const IMPORT_HOLD: ReadonlySet<ContainerStage> = new Set(['departed', 'arrived']);

/** The outcome of an event on a container. */
export type ContainerTransition =
  | { readonly ok: true; readonly state: ContainerState }
  | { readonly ok: false; readonly why: string };

/**
 * Applies an actual container event. Refused: a movement of a held container (customs first), a
 * hold at the wrong end of the journey, a code that is not a container's (HUB_RECEIVED…), or a move
 * out of order (a stripped container departing).
 *
 * @example applyContainerEvent(OPEN_CONTAINER, 'GATED_IN') // { ok: true, state: { stage: 'closed', hold: null } }
 */
export function applyContainerEvent(state: ContainerState, code: EventCode): ContainerTransition {
  switch (code) {
    case 'EXPORT_CUSTOMS_HOLD':
      if (!EXPORT_HOLD.has(state.stage) || state.hold === 'import')
        return {
          ok: false,
          why: `the container is ${state.stage}: export customs holds it only before departure`,
        };
      return { ok: true, state: { ...state, hold: 'export' } };
    case 'IMPORT_CUSTOMS_HOLD':
      if (!IMPORT_HOLD.has(state.stage) || state.hold === 'export')
        return { ok: false, why: `the container is ${state.stage}: import customs holds it only on its way` };
      return { ok: true, state: { ...state, hold: 'import' } };
    case 'EXPORT_CUSTOMS_RELEASED':
      if (state.hold === 'import') return { ok: false, why: 'the container is held by import customs' };
      return { ok: true, state: { ...state, hold: null } };
    case 'IMPORT_CUSTOMS_RELEASED':
      if (state.hold === 'export') return { ok: false, why: 'the container is held by export customs' };
      return { ok: true, state: { ...state, hold: null } };
    default:
      break;
  }
  const moves = MOVES[code];
  if (moves === undefined) return { ok: false, why: `${code} is not an event of a container` };
  if (state.hold !== null && code !== 'DISCHARGED' && code !== 'ARRIVED')
    return {
      ok: false,
      why: `the container is held by ${state.hold} customs: ${code} needs its release first`,
    };
  const to = moves[state.stage];
  if (to === undefined)
    return {
      ok: false,
      why: `a container that is ${state.stage} cannot take ${code} (${code} applies to a container that is ${Object.keys(moves).join(' or ')})`,
    };
  return { ok: true, state: { ...state, stage: to } };
}
