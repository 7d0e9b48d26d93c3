import { z } from 'zod';

/**
 * What the plan routes answer, for their OpenAPI entries (and the console's generated client). The
 * plan document's parts are open objects: the planner adds figures without breaking this contract.
 */

const Money = z.number().int().describe('Minor units of the plan currency');

const PlanSummaryView = z.looseObject({
  currency: z.string(),
  costMinor: Money,
  components: z.record(z.string(), z.number()).describe('Cost by component, minor units'),
  lowerBoundMinor: Money,
  boundMethod: z.string(),
  gapPercent: z.number(),
  parcels: z.number().int().describe('Parcels in the plan: planned + held'),
  planned: z.number().int(),
  held: z.number().int(),
  onTime: z.number().int(),
  onTimeRate: z.number(),
  late: z.number().int(),
  lateDays: z.number(),
  co2eKg: z.number(),
  containers: z.number().int(),
  containersProven: z.number().int().optional().describe('Containers the 3D loader proved'),
  departuresUsed: z.number().int(),
});

const ContainerProofView = z
  .looseObject({
    containers: z.number().int(),
    proven: z.number().int(),
    notProven: z.array(z.object({ id: z.string(), unplaced: z.number().int(), why: z.string() })),
    timeLimitMs: z.number(),
    provenFirst: z.number().int().optional().describe('Proven by the first loads, before parcels moved'),
    parcelsMoved: z
      .number()
      .int()
      .optional()
      .describe('Parcels the loader could not place that moved to another container or itinerary'),
    parcelsHeld: z
      .number()
      .int()
      .optional()
      .describe('Parcels the loader could not place, held (`container-load`)'),
  })
  .describe('The 3D loader’s proof of the planned containers, and where the parcels it could not place went');

const PlanContainerView = z.looseObject({
  id: z.string().describe('`<departure id>#<n>`'),
  type: z.string(),
  parcels: z.number().int(),
  weightG: z.number(),
  volumeMm3: z.number(),
  weightUtilisation: z.number(),
  volumeUtilisation: z.number(),
});

const PlanDepartureView = z.looseObject({
  id: z.string(),
  serviceId: z.string(),
  departAt: z.string().describe('Local time at the origin, with offset'),
  containers: z.array(PlanContainerView),
  looseWeightG: z.number(),
  looseVolumeMm3: z.number(),
});

const ReplanView = z.looseObject({
  basePlanId: z.string(),
  disruption: z.string(),
  affected: z.number().int(),
  movedCount: z.number().int(),
  moved: z.array(z.object({ parcelId: z.string(), from: z.string().optional(), to: z.string().optional() })),
  costBeforeMinor: Money.describe('The base plan re-costed on the re-plan basis'),
  costAfterMinor: Money,
});

export const PlanView = z.object({
  id: z.string(),
  status: z.enum(['queued', 'running', 'done', 'failed']),
  progress: z.number(),
  params: z.looseObject({
    from: z.string().optional(),
    days: z.number().int().optional(),
    currency: z.string().optional(),
    basePlanId: z.string().optional(),
  }),
  createdAt: z.string(),
  updatedAt: z.string(),
  sellerId: z.string().optional(),
  error: z.string().optional(),
  hasResult: z.boolean().optional(),
  result: z
    .looseObject({
      network: z.object({ id: z.string(), version: z.string() }),
      horizon: z.object({ from: z.string(), days: z.number().int() }),
      settings: z.looseObject({ currency: z.string() }),
      summary: PlanSummaryView,
      baseline: z
        .looseObject({
          method: z.string(),
          costMinor: Money,
          onTimeRate: z.number(),
          containers: z.number().int(),
        })
        .optional(),
      departures: z.array(PlanDepartureView),
      held: z.number().int().describe('Parcels held back'),
      heldByReason: z
        .array(z.object({ reason: z.string(), parcels: z.number().int() }))
        .describe('Held parcels counted by reason, most first'),
      containerProof: ContainerProofView.optional(),
      replan: ReplanView.optional(),
      moved: ReplanView.shape.moved.optional(),
      disruption: z.string().optional(),
    })
    .optional(),
});

export const PlanListView = z.object({ plans: z.array(PlanView) });

export const PlanParcelView = z.union([
  z.looseObject({
    planId: z.string(),
    status: z.literal('planned'),
    id: z.string(),
    rides: z.array(z.object({ departureId: z.string(), to: z.string(), containerId: z.string().optional() })),
    gateway: z.string(),
    deliveryDate: z.string(),
    promisedDate: z.string(),
    lateDays: z.number(),
    costMinor: Money,
  }),
  z.object({ planId: z.string(), status: z.literal('held'), id: z.string(), reason: z.string() }),
]);

/** One container of a plan with its parcels' ids, sizes and weights: what the container view loads. */
export const PlanContainerContents = z.object({
  planId: z.string(),
  departureId: z.string(),
  container: PlanContainerView,
  parcels: z.array(
    z.object({
      id: z.string(),
      externalOrderId: z.string(),
      sellerId: z.string(),
      grossWeightG: z.number().int(),
      lengthMm: z.number().int(),
      widthMm: z.number().int(),
      heightMm: z.number().int(),
    }),
  ),
});
