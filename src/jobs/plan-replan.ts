import type { CurrencyConverter, Network, Parcel } from '../domain/index.ts';
import {
  freightCostMinor,
  type LandedRules,
  type PlanCostBasis,
  type PlanDocument,
  planParcels,
  preparePlanContext,
  replanConsolidation,
} from '../plan/index.ts';
import { createHighsSolver } from '../solver/index.ts';
import type { Store } from '../store/index.ts';
import { withDdpCharges } from './plan-charges.ts';
import { defaultHelperCount, PlanHelpers } from './plan-helpers.ts';
import { type PlanParams, readForPlanning, withDisruption } from './plan-job.ts';
import { startDocumentProofs, withContainerProof } from './plan-proofs.ts';

/**
 * Re-plans: an earlier plan's parcels planned again with a disruption in force, keeping their
 * itineraries where they still hold, costed on the earlier plan's basis, their containers proven.
 */

/** What a re-plan adds to its plan document. */
export interface ReplanResult {
  readonly basePlanId: string;
  readonly disruption: string;
  readonly affected: number;
  readonly movedCount: number;
  /** The first 1,000 parcels moved, with their previous and new first departure. */
  readonly moved: readonly { readonly parcelId: string; readonly from?: string; readonly to?: string }[];
  /** What both figures include: the earlier plan and the re-plan are costed on one basis. */
  readonly costBasis: PlanCostBasis;
  readonly costBeforeMinor: number;
  readonly costAfterMinor: number;
}

/** The parcels a re-plan weighs: the earlier plan's window, with the job's disruption in force. */
export interface ReplanInputs {
  readonly network: Network;
  readonly stored: readonly Parcel[];
}

export async function loadReplanInputs(
  store: Store,
  network: Network,
  params: PlanParams,
  previous: PlanDocument,
  options: { sellerId?: string },
): Promise<ReplanInputs> {
  const disrupted = withDisruption(network, params);
  const fromMs = Date.parse(previous.horizon.from);
  const stored = await readForPlanning(store, {
    fromMs,
    toMs: fromMs + previous.horizon.days * 86_400_000,
    ...(options.sellerId ? { sellerId: options.sellerId } : {}),
  });
  return { network: disrupted, stored };
}

export type ReplanDocument = PlanDocument & {
  replan: ReplanResult;
  moved: ReplanResult['moved'];
  disruption: string;
};

/**
 * Re-plans an earlier plan's parcels with the job's disruption in force: parcels keep their
 * itineraries unless the disruption breaks them or moving lowers the cost. No I/O: runs in a worker.
 */
export async function computeReplan(
  inputs: ReplanInputs,
  fx: CurrencyConverter,
  params: PlanParams,
  previous: PlanDocument,
  options: {
    onProgress?: (fraction: number) => void;
    /** Landed-cost rules: DDP parcels' import charges join the re-plan's cost, as they joined the plan's. */
    landed?: LandedRules;
    /** Helper threads for the charges (default: one fewer than the cores, 1 to 3). */
    helpers?: number;
  } = {},
): Promise<ReplanDocument> {
  const { network: disrupted, stored } = inputs;
  const fromMs = Date.parse(previous.horizon.from);
  options.onProgress?.(0.1);
  const ctx = preparePlanContext(disrupted, fromMs, previous.horizon.days, fx, previous.settings);
  const parcels = planParcels(disrupted, stored, stored.length);
  const r = replanConsolidation(ctx, parcels, previous, await createHighsSolver(), undefined, {
    maxRounds: params.maxRounds,
    linking: params.linking,
  });
  options.onProgress?.(0.95);
  // The earlier plan included import charges: so does the re-plan, and the two compare on that basis.
  const landed = previous.summary.components.landedCostMinor !== undefined ? options.landed : undefined;
  const helpers = new PlanHelpers(
    landed || params.proveContainers ? (options.helpers ?? defaultHelperCount()) : 0,
    landed,
  );
  let document: PlanDocument;
  try {
    // The re-plan's containers are proven by the 3D loader as a plan's are.
    const proved = params.proveContainers
      ? await startDocumentProofs(
          helpers,
          ctx,
          parcels,
          r.outcome,
          r.document,
          new Map(stored.map((p) => [p.id, p])),
          disrupted.equipment,
          params.proveMsPerContainer,
        ).finish()
      : undefined;
    const charged = await withDdpCharges(
      helpers,
      proved?.document ?? r.document,
      disrupted,
      stored,
      landed,
      r.outcome,
      parcels,
    );
    document = withContainerProof(charged, proved?.proven);
  } finally {
    void helpers.close();
  }
  const basis: PlanCostBasis =
    document.summary.costBasis === 'freight+ddp-import-charges' &&
    previous.summary.components.landedCostMinor !== undefined
      ? 'freight+ddp-import-charges'
      : 'freight';
  const costOf = (d: PlanDocument) => (basis === 'freight' ? freightCostMinor(d) : d.summary.costMinor);
  const firstBefore = new Map(previous.parcels.map((p) => [p.id, p.rides[0]?.departureId]));
  const firstAfter = new Map(document.parcels.map((p) => [p.id, p.rides[0]?.departureId]));
  const moved = r.moved.slice(0, 1000).map((id) => {
    const from = firstBefore.get(id);
    const to = firstAfter.get(id);
    return { parcelId: id, ...(from ? { from } : {}), ...(to ? { to } : {}) };
  });
  const reason = params.disruption?.reason ?? 'no disruption';
  const replan: ReplanResult = {
    basePlanId: params.basePlanId ?? '',
    disruption: reason,
    affected: r.affected.length,
    movedCount: r.moved.length,
    moved,
    costBasis: basis,
    costBeforeMinor: costOf(previous),
    costAfterMinor: costOf(document),
  };
  return {
    ...document,
    ...(previous.scope ? { scope: previous.scope } : {}),
    replan,
    moved,
    disruption: reason,
  };
}

/** Loads and re-plans in this thread. */
export async function runReplan(
  store: Store,
  network: Network,
  fx: CurrencyConverter,
  params: PlanParams,
  previous: PlanDocument,
  options: { sellerId?: string; onProgress?: (fraction: number) => void; landed?: LandedRules },
): Promise<ReplanDocument> {
  const inputs = await loadReplanInputs(store, network, params, previous, options);
  return computeReplan(inputs, fx, params, previous, options);
}
