/**
 * A plan's containers proven by the 3D loader, for plans and re-plans alike: the first loads shared by
 * the helper threads and this one, then the parcels the loader could not place moved or held
 * (`proveAndMove`) and the document made again when any did.
 */
import type { Equipment } from '../domain/index.ts';
import {
  containersToProve,
  type PlanContext,
  type PlanDocument,
  type PlanOutcome,
  type PlanParcelInput,
  type PlanParcels,
  type ProvenPlan,
  planDocument,
  proveAndMove,
} from '../plan/index.ts';
import { type PlanHelpers, startProofs } from './plan-helpers.ts';

/** A document's proofs under way: `finish()` joins them and answers the document they leave. */
export function startDocumentProofs(
  helpers: PlanHelpers,
  ctx: PlanContext,
  parcels: PlanParcels,
  outcome: PlanOutcome,
  document: PlanDocument,
  inputs: ReadonlyMap<string, Pick<PlanParcelInput, 'id' | 'dimensions' | 'grossWeightG'>>,
  equipment: readonly Equipment[],
  timeLimitMs: number,
): { finish(): Promise<{ readonly document: PlanDocument; readonly proven: ProvenPlan }> } {
  const first = startProofs(helpers, containersToProve(document, inputs), equipment, timeLimitMs);
  return {
    async finish() {
      const proven = proveAndMove(
        ctx,
        parcels,
        outcome.aggregation,
        outcome,
        await first.finish(),
        inputs,
        equipment,
        timeLimitMs,
      );
      return {
        document: proven.changed
          ? planDocument(ctx, parcels, { ...outcome, assignment: proven.assignment, stats: proven.stats })
          : document,
        proven,
      };
    },
  };
}

/** The document with what its containers' proofs say (none: as it is). */
export function withContainerProof(document: PlanDocument, proven: ProvenPlan | undefined): PlanDocument {
  if (!proven) return document;
  return {
    ...document,
    summary: { ...document.summary, containersProven: proven.proof.proven },
    containerProof: proven.proof,
  };
}
