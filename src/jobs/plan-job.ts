import { z } from 'zod';
import {
  type Currency,
  type CurrencyConverter,
  CurrencySchema,
  DateSchema,
  DisruptionSchema,
  IdSchema,
  InstantSchema,
  LandbridgeError,
  type Network,
  type Parcel,
  problemsFromZod,
} from '../domain/index.ts';
import type { DutyRules, FxTables } from '../duties/index.ts';
import { localDate, zonedToUtcMs } from '../network/index.ts';
import {
  aggregate,
  evaluatePlan,
  type PlanDocument,
  type ProvenPlan,
  planConsolidation,
  planDocument,
  planGreedy,
  planParcels,
  preparePlanContext,
  withBaseline,
} from '../plan/index.ts';
import { createHighsSolver } from '../solver/index.ts';
import type { PlanningWindow, Store } from '../store/index.ts';
import type { PlanningParcel } from '../store/planning-read.ts';
import { DdpCharges } from './plan-ddp.ts';
import { defaultHelperCount, PlanHelpers } from './plan-helpers.ts';
import { startDocumentProofs, withContainerProof } from './plan-proofs.ts';

/** A disruption a plan job is asked to plan around, checked whole (window, target, delay). */
export const PlanDisruptionSchema = z
  .object({
    id: IdSchema.optional(),
    nodeId: IdSchema.optional(),
    serviceId: IdSchema.optional(),
    /** When the disruption starts: an instant with its offset, e.g. 2026-12-12T00:00:00Z. */
    from: InstantSchema,
    /** When it ends (after `from`, at most a year later). */
    to: InstantSchema,
    effect: z.enum(['closed', 'delayed']),
    delayMinutes: z.number().int().positive().max(525_600).optional(),
    reason: z.string().min(1).max(500),
  })
  .superRefine((d, ctx) => {
    if ((d.nodeId === undefined) === (d.serviceId === undefined))
      ctx.addIssue({
        code: 'custom',
        path: [d.nodeId === undefined ? 'nodeId' : 'serviceId'],
        message: 'a disruption names exactly one of nodeId and serviceId',
      });
    if (d.effect === 'delayed' && d.delayMinutes === undefined)
      ctx.addIssue({ code: 'custom', path: ['delayMinutes'], message: 'a delay needs delayMinutes' });
    const from = Date.parse(d.from);
    const to = Date.parse(d.to);
    if (!(to > from))
      ctx.addIssue({ code: 'custom', path: ['to'], message: `must be after from (${d.from})` });
    else if (to - from > 366 * 86_400_000)
      ctx.addIssue({ code: 'custom', path: ['to'], message: 'a disruption lasts at most a year' });
  });

/**
 * Problems with a disruption against the network in force: the node or service it names must exist.
 * Empty when it is fine.
 */
export function disruptionProblems(
  network: Network,
  d: z.output<typeof PlanDisruptionSchema> | undefined,
): { field: string; why: string }[] {
  if (!d) return [];
  if (d.nodeId !== undefined && !network.nodes.some((n) => n.id === d.nodeId))
    return [{ field: 'disruption.nodeId', why: `no node ${d.nodeId} in the network ${network.id}` }];
  if (d.serviceId !== undefined && !network.services.some((s) => s.id === d.serviceId))
    return [{ field: 'disruption.serviceId', why: `no service ${d.serviceId} in the network ${network.id}` }];
  return [];
}

/** What a plan job is asked: the horizon of ready days and the money the planner weighs. */
export const PlanParamsSchema = z.object({
  /** First ready day in the hub's calendar; today when absent. */
  from: DateSchema.optional(),
  days: z.number().int().min(1).max(31).default(14),
  currency: CurrencySchema.default('USD'),
  latePenaltyMinorPerDay: z.number().int().min(0).max(10_000_000).default(500),
  carbonPriceMinorPerTonne: z.number().int().min(0).max(100_000_000).default(0),
  /**
   * Most rounds of the planner's relaxation (each solves its master LP and prices every parcel); it
   * stops earlier once the master is within 0.02 % of the bound. Fewer rounds: a faster, weaker plan.
   */
  maxRounds: z.number().int().min(1).max(200).default(60),
  /**
   * Linking rows in the relaxation: a far tighter bound where departures carry few containers, at many
   * times the time. Absent: on up to 25,000 parcels (seconds there), off above (minutes at 100,000).
   */
  linking: z.boolean().optional(),
  /**
   * A disruption to plan around: a node or a service closed or slowed from `from` to `to` (instants
   * with their offset). A closed node cancels the runs that are at it (arriving or leaving) in the
   * window, so a closure next week affects the trains that reach the node next week.
   */
  disruption: PlanDisruptionSchema.optional(),
  /** Re-plan this earlier plan (its parcels keep their itineraries unless moving lowers cost). */
  basePlanId: z.string().min(1).max(100).optional(),
  /**
   * Prove each planned container with the 3D loader (a load plan its checker accepts); the plan says
   * which could not be loaded. Default on.
   */
  proveContainers: z.boolean().default(true),
  /** The loader's time per container when proving, ms (one beam round at most). */
  proveMsPerContainer: z.number().int().min(10).max(10_000).default(200),
});
export type PlanParams = z.output<typeof PlanParamsSchema>;

/** The network with a job's disruption in force, validated. */
export function withDisruption(network: Network, params: PlanParams): Network {
  if (!params.disruption) return network;
  const parsed = DisruptionSchema.safeParse({
    ...params.disruption,
    id: params.disruption.id ?? 'requested',
    sources: [],
  });
  if (!parsed.success)
    throw new LandbridgeError(
      'invalid-input',
      'not a valid disruption',
      problemsFromZod(parsed.error, {}, 'disruption'),
    );
  const known = parsed.data.nodeId
    ? network.nodes.some((n) => n.id === parsed.data.nodeId)
    : network.services.some((x) => x.id === parsed.data.serviceId);
  if (!known)
    throw new LandbridgeError(
      'invalid-input',
      `the disruption names an unknown ${parsed.data.nodeId ? `node ${parsed.data.nodeId}` : `service ${parsed.data.serviceId}`}`,
    );
  return { ...network, disruptions: [...network.disruptions, parsed.data] };
}

/** Parcels read per turn of the event loop when a job loads its parcels (about 20 ms each). */
export const READ_BATCH = 2_000;

/**
 * The parcels of a planning window, read in small batches with a turn of the event loop after each:
 * the server keeps answering while a job loads 100,000 parcels.
 */
export async function readForPlanning(
  store: Store,
  window: Parameters<Store['parcels']['listForPlanning']>[0],
  /** Takes each batch instead of keeping it (the answer is then empty). */
  onBatch?: (batch: Parcel[]) => void,
): Promise<Parcel[]> {
  const all: Parcel[] = [];
  for await (const batch of store.parcels.streamForPlanning(window, READ_BATCH)) {
    if (onBatch) onBatch(batch);
    else for (const p of batch) all.push(p);
    await new Promise((resolve) => setImmediate(resolve));
  }
  return all;
}

/** The parcels a plan weighs: those ready in the job's window, and the network with its disruption. */
export interface PlanInputs {
  readonly network: Network;
  readonly fromMs: number;
  /** What the plan reads of them (stored `Parcel`s are such). */
  readonly stored: readonly PlanningParcel[];
  /** Only this seller's parcels were loaded. */
  readonly sellerId?: string;
}

/** A plan job's network (its disruption in force), ready-day window and scope, before any parcel is read. */
export function planWindow(
  network: Network,
  params: PlanParams,
  options: { sellerId?: string; nowMs: number },
): { readonly head: Omit<PlanInputs, 'stored'>; readonly window: PlanningWindow } {
  const disrupted = withDisruption(network, params);
  const hubZone = disrupted.nodes.find((n) => n.id === disrupted.hub)?.zone ?? 'UTC';
  const from = params.from ?? localDate(options.nowMs, hubZone);
  const fromMs = zonedToUtcMs(from, '00:00', hubZone);
  const seller = options.sellerId ? { sellerId: options.sellerId } : {};
  return {
    head: { network: disrupted, fromMs, ...seller },
    window: { fromMs, toMs: fromMs + params.days * 86_400_000, ...seller },
  };
}

export async function loadPlanInputs(
  store: Store,
  network: Network,
  params: PlanParams,
  options: {
    sellerId?: string;
    nowMs: number;
    /** Takes the parcels batch by batch as they are read; `stored` is then empty. */
    onBatch?: (batch: Parcel[]) => void;
    /** Hears the network and window before the first parcel is read. */
    onStart?: (head: Omit<PlanInputs, 'stored'>) => void;
  },
): Promise<PlanInputs> {
  const { head, window } = planWindow(network, params, options);
  options.onStart?.(head);
  const stored = await readForPlanning(store, window, options.onBatch);
  return { ...head, stored };
}

/** Loads and plans in this thread. */
export async function runPlan(
  store: Store,
  network: Network,
  fx: CurrencyConverter,
  params: PlanParams,
  options: {
    sellerId?: string;
    nowMs: number;
    onProgress?: (fraction: number) => void;
    /** Landed-cost rules: DDP parcels' import charges join the plan's cost. */
    landed?: { readonly rules: DutyRules; readonly fx: FxTables };
    onPhase?: PhaseListener;
  },
): Promise<PlanDocument> {
  options.onProgress?.(0.02);
  const inputs = await loadPlanInputs(store, network, params, options);
  return computePlan(inputs, fx, params, options);
}

/** Called as each stage of a plan job ends, with its name and how long it took (ms). */
export type PhaseListener = (phase: string, ms: number) => void;

/** `lap(name)` reports the time since the previous lap (or the clock's start) as stage `name`. */
export function phaseClock(onPhase: PhaseListener | undefined): (name: string) => void {
  let t = performance.now();
  return (name) => {
    const now = performance.now();
    onPhase?.(name, now - t);
    t = now;
  };
}

/**
 * Plans the parcels: the planner, the greedy baseline for comparison, the plan document, and the DDP
 * parcels' import charges when landed-cost rules are given. No I/O: runs in a worker. Helper threads
 * compute the charges' floors while this thread plans, then share the charges on the planned trips
 * and the containers' proofs with it.
 */
export async function computePlan(
  inputs: PlanInputs,
  fx: CurrencyConverter,
  params: PlanParams,
  options: PlanComputationOptions = {},
): Promise<PlanDocument> {
  const computation = new PlanComputation(inputs, fx, params, options);
  computation.add(inputs.stored);
  return computation.finish();
}

export interface PlanComputationOptions {
  onProgress?: (fraction: number) => void;
  /** Landed-cost rules: DDP parcels' import charges join the plan's cost. */
  landed?: { readonly rules: DutyRules; readonly fx: FxTables };
  onPhase?: PhaseListener;
  /** Helper threads (default: one fewer than the cores, 1 to 3); 0 computes everything here. */
  helpers?: number;
}

/**
 * A plan being computed, fed with its parcels as they are read: the helper threads start and the
 * planner's context is prepared before the first parcel comes, the DDP parcels go to the helpers as
 * they come (their charges' floors begin then), and `finish()` plans once all are in. The document
 * is {@link computePlan}'s for the same parcels in the same order.
 */
export class PlanComputation {
  readonly #stored: PlanningParcel[] = [];
  readonly #helpers: PlanHelpers;
  readonly #ddp: DdpCharges | undefined;
  readonly #ctx: ReturnType<typeof preparePlanContext>;
  readonly #lap: (name: string) => void;

  constructor(
    private readonly inputs: Omit<PlanInputs, 'stored'>,
    fx: CurrencyConverter,
    private readonly params: PlanParams,
    private readonly options: PlanComputationOptions = {},
  ) {
    this.#lap = phaseClock(options.onPhase);
    const needHelpers = options.landed !== undefined || params.proveContainers;
    this.#helpers = new PlanHelpers(
      needHelpers ? (options.helpers ?? defaultHelperCount()) : 0,
      options.landed,
    );
    this.#ddp = options.landed
      ? new DdpCharges(this.#helpers, params.currency as Currency, options.landed)
      : undefined;
    try {
      this.#ctx = preparePlanContext(inputs.network, inputs.fromMs, params.days, fx, {
        currency: params.currency,
        latePenaltyMinorPerDay: params.latePenaltyMinorPerDay,
        carbonPriceMinorPerTonne: params.carbonPriceMinorPerTonne,
      });
    } catch (e) {
      void this.#helpers.close();
      throw e;
    }
    this.#lap('context');
  }

  /** Takes the next parcels read (in the store's order). */
  add(batch: readonly PlanningParcel[]): void {
    for (const p of batch) this.#stored.push(p);
    this.#ddp?.add(batch);
  }

  /** Stops the helper threads without planning (the job failed or was stopped). */
  close(): void {
    void this.#helpers.close();
  }

  /** Plans the parcels taken; the document. */
  async finish(): Promise<PlanDocument> {
    const { params, options } = this;
    const { network } = this.inputs;
    const stored = this.#stored;
    const ctx = this.#ctx;
    const lap = this.#lap;
    const helpers = this.#helpers;
    lap('parcels-in');
    options.onProgress?.(0.1);
    try {
      const parcels = planParcels(network, stored, stored.length);
      const aggregation = aggregate(ctx, parcels);
      lap('prepare');
      // The floors of the DDP parcels' charges depend only on the trips they could take: computed by the
      // helpers while this thread plans (from what they computed as the parcels came, where it covers them).
      this.#ddp?.startFloors(network, aggregation);
      lap('floors-sent');
      const solver = await createHighsSolver();
      const outcome = planConsolidation(ctx, parcels, solver, {
        aggregation,
        maxRounds: params.maxRounds,
        linking: params.linking,
        onProgress: (_stage, f) => options.onProgress?.(0.1 + 0.8 * f),
      });
      lap('plan');
      // The trips are known: the helpers compute their charges (behind the floors in their queues), then
      // prove the containers, while this thread makes the baseline; it joins both after.
      const bare = planDocument(ctx, parcels, outcome);
      this.#ddp?.startTrips(bare, network, parcels);
      const proofs = params.proveContainers
        ? startDocumentProofs(
            helpers,
            ctx,
            parcels,
            outcome,
            bare,
            new Map(stored.map((p) => [p.id, p])),
            network.equipment,
            params.proveMsPerContainer,
          )
        : undefined;
      lap('document');
      const greedy = planGreedy(ctx, parcels, outcome.aggregation);
      const g = evaluatePlan(ctx, parcels, outcome.aggregation, greedy.assignment);
      lap('baseline');
      options.onProgress?.(0.95);
      // The containers' proofs: the parcels the loader could not place move (or are held), and the
      // document follows them (costs, claims, totals; the DDP charges of the trips that changed).
      let proven: ProvenPlan | undefined;
      let planned = bare;
      if (proofs) {
        ({ document: planned, proven } = await proofs.finish());
        lap('container-proofs');
      }
      const doc = withBaseline(planned, {
        method: 'greedy: each parcel its cheapest on-time itinerary, containers first fit',
        costMinor: g.costs.totalMinor,
        onTimeRate: g.planned > 0 ? Math.round((g.onTime / g.planned) * 1e4) / 1e4 : 0,
        containers: g.containers,
      });
      const scoped = this.inputs.sellerId ? { ...doc, scope: { sellerId: this.inputs.sellerId } } : doc;
      const charged = this.#ddp ? await this.#ddp.apply(scoped, network, parcels) : scoped;
      lap('ddp-charges');
      return withContainerProof(charged, proven);
    } finally {
      void helpers.close();
    }
  }
}
