import type { CustomsService } from '../eport/service.ts';
import type { CustomsExchangeJob } from '../jobs/index.ts';
import type { PlanDocument } from '../plan/index.ts';

/** What the sample hub's customs run did. */
export interface SampleCustomsResult {
  readonly planId?: string;
  readonly departures: number;
  readonly filed: number;
  readonly held: number;
  readonly released: number;
  readonly reported: number;
  /** Time spent filing, answering and reporting (after the plan was there), ms. */
  readonly ms: number;
}

/**
 * Files every departure of the sample hub's newest finished plan with customs, lets the TEST CUSTOMS
 * RESPONDER (set on `job`, sample only) answer through the exchange folders, and writes each
 * departure's report: so every planned parcel has its order, payment receipt, waybill and list, and each
 * departure its master list and departure report. Departures filed before are skipped. Waits for a
 * queued or running plan first (up to `waitMs`).
 */
export async function fileSamplePlan(
  service: CustomsService,
  job: CustomsExchangeJob,
  waitMs = 600_000,
): Promise<SampleCustomsResult> {
  const started = performance.now();
  const store = service.store;
  const deadline = Date.now() + waitMs;
  let plan = (await store.plans.list()).find((p) => p.status === 'done' && !isSampleMonth(p));
  while (!plan && Date.now() < deadline) {
    const jobs = await store.plans.list();
    if (!jobs.some((j) => j.status === 'queued' || j.status === 'running')) break;
    await new Promise((r) => setTimeout(r, 500));
    plan = (await store.plans.list()).find((p) => p.status === 'done' && !isSampleMonth(p));
  }
  if (!plan)
    return { departures: 0, filed: 0, held: 0, released: 0, reported: 0, ms: performance.now() - started };
  const full = await store.plans.get(plan.id);
  const doc = full?.result as PlanDocument | undefined;
  const departures = (doc?.departures ?? []).filter((d) =>
    doc!.parcels.some((p) => p.rides[0]?.departureId === d.id),
  );
  const todo = [];
  for (const d of departures)
    if (!(await store.customs.getDeparture(service.hubId, d.id))?.copNo) todo.push(d.id);
  let filed = 0;
  let held = 0;
  for (const id of todo) {
    const r = await service.fileDeparture(id, { planId: plan.id });
    filed += r.sent;
    held += r.held.length;
  }
  await job.runOnce();
  let reported = 0;
  for (const id of todo) {
    try {
      await service.reportDeparture(id);
      reported++;
    } catch {
      // a departure none of whose parcels was released has no report
    }
  }
  await job.runOnce();
  const counts = await store.customs.countDeclarations(service.hubId);
  return {
    planId: plan.id,
    departures: todo.length,
    filed,
    held,
    released: counts.released ?? 0,
    reported,
    ms: performance.now() - started,
  };
}

/** The simulated month's stand-in plan (src/sample/month.ts) is history, not a plan to file. */
function isSampleMonth(p: { readonly params: unknown }): boolean {
  return (p.params as { sample?: string } | null)?.sample === 'month';
}
