import { beforeAll, describe, expect, it } from 'vitest';
import { PLAN_FROM, sampleFx, sampleNetwork } from '../../test/fixtures/plan-data.ts';
import type { Network } from '../domain/index.ts';
import { generateParcels } from '../generate/index.ts';
import { expandDepartures } from '../network/index.ts';
import { createHighsSolver } from '../solver/index.ts';
import {
  containersToProve,
  type PlanDocument,
  type PlannedParcel,
  parcelsDigest,
  planConsolidation,
  planDocument,
  planParcels,
  preparePlanContext,
  proveAll,
  proveAndMove,
  verifyPlan,
} from './index.ts';
import type { PlanParcelInput } from './parcels.ts';
import type { PlanRule, VerifyOptions } from './verify.ts';

const network = sampleNetwork;
const fx = sampleFx;
const FROM = PLAN_FROM;
const list: PlanParcelInput[] = generateParcels({
  count: 1200,
  seed: 11,
  from: '2026-12-01',
  days: 7,
}).parcels.map((p, i) => ({ ...p, id: `v${String(i).padStart(5, '0')}`, readyAtMs: Date.parse(p.readyAt) }));
const inputs = new Map(list.map((p) => [p.id, p]));
const services = new Map(network.services.map((s) => [s.id, s]));
const serviceOf = (departureId: string) => services.get(departureId.slice(0, departureId.indexOf('@')))!;

let doc: PlanDocument;
let made: {
  ctx: ReturnType<typeof preparePlanContext>;
  parcels: ReturnType<typeof planParcels>;
  outcome: ReturnType<typeof planConsolidation>;
};

/** The rules a check of `d` (on `net`, with `parcels`) reports. */
function rules(
  d: PlanDocument,
  net: Network = network,
  parcels: ReadonlyMap<string, PlanParcelInput> = inputs,
  options: VerifyOptions = {},
): Set<PlanRule> {
  return new Set(verifyPlan(net, parcels, d, fx, options).violations.map((v) => v.rule));
}
const withParcel = (d: PlanDocument, id: string, change: (p: PlannedParcel) => PlannedParcel) => ({
  ...d,
  parcels: d.parcels.map((p) => (p.id === id ? change(p) : p)),
});
const inContainer = () => doc.parcels.find((p) => p.rides.some((r) => r.containerId))!;
const flying = () => doc.parcels.find((p) => p.rides.some((r) => serviceOf(r.departureId).mode === 'air'))!;
const withService = (
  id: string,
  change: (s: Network['services'][number]) => Network['services'][number],
) => ({
  ...network,
  services: network.services.map((s) => (s.id === id ? change(s) : s)),
});

/** The plan `doc` with its containers proven by the 3D loader (the parcels it could not place moved). */
function provenPlan(): { withProof: PlanDocument; proven: ReturnType<typeof proveAndMove> } {
  const { ctx, parcels, outcome } = made;
  const first = proveAll(containersToProve(doc, inputs), network.equipment, 200);
  const proven = proveAndMove(
    ctx,
    parcels,
    outcome.aggregation,
    outcome,
    first,
    inputs,
    network.equipment,
    200,
  );
  const planned = proven.changed
    ? planDocument(ctx, parcels, { ...outcome, assignment: proven.assignment, stats: proven.stats })
    : doc;
  return {
    withProof: {
      ...planned,
      summary: { ...planned.summary, containersProven: proven.proof.proven },
      containerProof: proven.proof,
    },
    proven,
  };
}

describe('plan verify: every rule it enforces, broken once', () => {
  beforeAll(async () => {
    const ctx = preparePlanContext(network, FROM, 7, fx);
    const parcels = planParcels(network, list, list.length);
    const outcome = planConsolidation(ctx, parcels, await createHighsSolver());
    doc = planDocument(ctx, parcels, outcome);
    made = { ctx, parcels, outcome };
  });

  it('accepts the plan as made, with each parcel’s cost recomputed', () => {
    const check = verifyPlan(network, inputs, doc, fx);
    expect(check.violations).toEqual([]);
    expect(doc.parcels.some((p) => p.rides.some((r) => r.containerId))).toBe(true);
    expect(flying()).toBeDefined();
  });

  it('coverage: fails a plan from which one parcel was deleted', () => {
    const gone = doc.parcels[17]!.id;
    const check = verifyPlan(
      network,
      inputs,
      { ...doc, parcels: doc.parcels.filter((p) => p.id !== gone) },
      fx,
    );
    expect(check.ok).toBe(false);
    expect(check.violations).toContainEqual(expect.objectContaining({ rule: 'coverage', parcelId: gone }));
  });

  it('parcel-cost: fails a parcel whose claimed cost is off by 927 minor units', () => {
    const p = doc.parcels[5]!;
    const check = verifyPlan(
      network,
      inputs,
      withParcel(doc, p.id, (x) => ({ ...x, costMinor: x.costMinor + 927 })),
      fx,
    );
    expect(check.violations).toContainEqual(expect.objectContaining({ rule: 'parcel-cost', parcelId: p.id }));
  });

  it('unknown-parcel, listed-twice, hold-reason', () => {
    expect(rules({ ...doc, held: [...doc.held, { id: 'ghost', reason: 'no-capacity' }] })).toContain(
      'unknown-parcel',
    );
    const p = doc.parcels[0]!;
    expect(rules({ ...doc, held: [...doc.held, { id: p.id, reason: 'no-capacity' }] })).toContain(
      'listed-twice',
    );
    const moved = { ...doc, parcels: doc.parcels.filter((x) => x.id !== p.id) };
    expect(rules({ ...moved, held: [...doc.held, { id: p.id, reason: '' }] })).toContain('hold-reason');
    expect(rules({ ...moved, held: [...doc.held, { id: p.id, reason: 'no-zone' }] })).toContain(
      'hold-reason',
    );
    expect(rules({ ...moved, held: [...doc.held, { id: p.id, reason: 'ready-after-horizon' }] })).toContain(
      'hold-reason',
    );
    expect(rules({ ...moved, held: [...doc.held, { id: p.id, reason: 'refused-by-last-mile' }] })).toContain(
      'hold-reason',
    );
  });

  it('departure-runs, calls-at, cutoff, road-link', () => {
    const p = doc.parcels[3]!;
    const ride0 = p.rides[0]!;
    expect(
      rules(
        withParcel(doc, p.id, (x) => ({ ...x, rides: [{ ...ride0, departureId: 'nope@2026-12-03T10:00' }] })),
      ),
    ).toContain('departure-runs');
    expect(
      rules(
        withParcel(doc, p.id, (x) => ({
          ...x,
          rides: x.rides.map((r, i) => (i === 0 ? { ...r, to: 'nowhere' } : r)),
        })),
      ),
    ).toContain('calls-at');
    // An earlier run of the same service within the horizon: its cut-off is before the parcel is ready.
    const runs = expandDepartures(network, FROM, FROM + 30 * 86_400_000);
    const ready = inputs.get(p.id)!.readyAtMs;
    const late = doc.parcels
      .map((x) => ({
        x,
        early: runs.find(
          (d) =>
            d.serviceId === serviceOf(x.rides[0]!.departureId).id &&
            d.cutoffAtMs < inputs.get(x.id)!.readyAtMs - 3_600_000,
        ),
      }))
      .find((y) => y.early)!;
    expect(
      rules(
        withParcel(doc, late.x.id, (x) => ({
          ...x,
          rides: x.rides.map((r, i) => (i === 0 ? { ...r, departureId: late.early!.id } : r)),
        })),
      ),
    ).toContain('cutoff');
    // A first ride from a node the hub has no road to.
    const roads = new Set(network.transfers.filter((t) => t.from === network.hub).map((t) => t.to));
    const far = runs.find((d) => d.origin !== network.hub && !roads.has(d.origin) && d.cutoffAtMs > ready)!;
    expect(
      rules(withParcel(doc, p.id, (x) => ({ ...x, rides: [{ departureId: far.id, to: far.legs[0]!.to }] }))),
    ).toContain('road-link');
  });

  it('dangerous-goods, hs-code, piece-limits', () => {
    const p = doc.parcels[2]!;
    const sid = serviceOf(p.rides[0]!.departureId).id;
    const restrict = (r: Partial<Network['services'][number]['restrictions']>) =>
      withService(sid, (s) => ({ ...s, restrictions: { ...s.restrictions, ...r } }));
    const dg = new Map(inputs).set(p.id, { ...inputs.get(p.id)!, dangerousGoods: ['UN3481'] });
    expect(rules(doc, restrict({ forbiddenUnNumbers: ['UN3481'] }), dg)).toContain('dangerous-goods');
    const hs = inputs.get(p.id)!.items[0]!.hsCode.slice(0, 4);
    expect(rules(doc, restrict({ forbiddenHsPrefixes: [hs] }))).toContain('hs-code');
    expect(rules(doc, restrict({ maxPieceWeightG: 1 }))).toContain('piece-limits');
  });

  it('container-missing, gateway, last-mile, delivery-date, late-days', () => {
    const c = inContainer();
    expect(
      rules(withParcel(doc, c.id, (x) => ({ ...x, rides: x.rides.map(({ containerId: _, ...r }) => r) }))),
    ).toContain('container-missing');
    const f = flying();
    expect(
      rules(
        withParcel(doc, f.id, (x) => ({ ...x, rides: x.rides.map((r) => ({ ...r, containerId: 'x#1' })) })),
      ),
    ).toContain('container-missing');
    const p = doc.parcels[4]!;
    expect(rules(withParcel(doc, p.id, (x) => ({ ...x, gateway: 'xiyong-hub' })))).toContain('gateway');
    const heavy = new Map(inputs).set(p.id, { ...inputs.get(p.id)!, grossWeightG: 900_000 });
    expect(rules(doc, network, heavy)).toContain('last-mile');
    expect(rules(withParcel(doc, p.id, (x) => ({ ...x, deliveryDate: '2027-06-01' })))).toContain(
      'delivery-date',
    );
    expect(rules(withParcel(doc, p.id, (x) => ({ ...x, lateDays: x.lateDays + 3 })))).toContain('late-days');
  });

  it('container-departure, container-unlisted, container-count, container-type', () => {
    const c = inContainer();
    const ride = c.rides.find((r) => r.containerId)!;
    const other = doc.departures.find((d) => d.id !== ride.departureId && d.containers.length > 0)!;
    expect(
      rules(
        withParcel(doc, c.id, (x) => ({
          ...x,
          rides: x.rides.map((r) => (r === ride ? { ...r, containerId: other.containers[0]!.id } : r)),
        })),
      ),
    ).toContain('container-departure');
    expect(
      rules(
        withParcel(doc, c.id, (x) => ({
          ...x,
          rides: x.rides.map((r) => (r === ride ? { ...r, containerId: 'ghost#9' } : r)),
        })),
      ),
    ).toContain('container-unlisted');
    const withContainer = (
      change: (c: PlanDocument['departures'][number]['containers'][number]) => object,
    ) => ({
      ...doc,
      departures: doc.departures.map((d) =>
        d.id === ride.departureId
          ? {
              ...d,
              containers: d.containers.map((k) => (k.id === ride.containerId ? { ...k, ...change(k) } : k)),
            }
          : d,
      ),
    });
    expect(rules(withContainer((k) => ({ parcels: k.parcels + 1 })))).toContain('container-count');
    const service = serviceOf(ride.departureId);
    const absent = network.equipment.find((e) => !service.capacity.containers.some((x) => x.type === e.type));
    if (absent) expect(rules(withContainer(() => ({ type: absent.type })))).toContain('container-type');
    expect(rules(withContainer(() => ({ type: 'ZZZZ' })))).toContain('container-type');
  });

  it('payload, volume, slots', () => {
    const light = { ...network, equipment: network.equipment.map((e) => ({ ...e, payloadG: 1_000 })) };
    expect(rules(doc, light)).toContain('payload');
    expect(rules({ ...doc, settings: { ...doc.settings, containerFill: 0.000_01 } })).toContain('volume');
    const c = inContainer();
    const ride = c.rides.find((r) => r.containerId)!;
    const service = serviceOf(ride.departureId);
    const dep = doc.departures.find((d) => d.id === ride.departureId)!;
    const type = dep.containers[0]!.type;
    const slots = service.capacity.containers.find((x) => x.type === type)!.count;
    const extra = Array.from({ length: slots + 1 }, (_, i) => ({
      ...dep.containers[0]!,
      id: `${dep.id}#x${i}`,
      parcels: 0,
    }));
    const over = rules({
      ...doc,
      departures: doc.departures.map((d) =>
        d.id === dep.id ? { ...d, containers: [...d.containers, ...extra] } : d,
      ),
    });
    expect(over).toContain('slots');
  });

  it('loose-weight, loose-volume: air capacity', () => {
    const f = flying();
    const sid = serviceOf(f.rides.find((r) => serviceOf(r.departureId).mode === 'air')!.departureId).id;
    expect(
      rules(
        doc,
        withService(sid, (s) => ({ ...s, capacity: { ...s.capacity, weightKg: 0.001 } })),
      ),
    ).toContain('loose-weight');
    expect(
      rules(
        doc,
        withService(sid, (s) => ({ ...s, capacity: { ...s.capacity, volumeL: 0.001 } })),
      ),
    ).toContain('loose-volume');
  });

  it('import-charges: on a DAP parcel, missing, or not the rules’ figure', () => {
    const dap = doc.parcels.find((p) => inputs.get(p.id)!.incoterm === 'DAP')!;
    expect(
      rules(
        withParcel(doc, dap.id, (x) => ({ ...x, costMinor: x.costMinor + 500, importChargesMinor: 500 })),
      ),
    ).toContain('import-charges');
    // A plan whose total includes import charges, each recomputed by the rules given.
    const ddp = doc.parcels.find((p) => inputs.get(p.id)!.incoterm === 'DDP')!;
    const charged: PlanDocument = {
      ...withParcel(doc, ddp.id, (x) => ({ ...x, costMinor: x.costMinor + 700, importChargesMinor: 700 })),
      summary: {
        ...doc.summary,
        costMinor: doc.summary.costMinor + 700,
        costBasis: 'freight+ddp-import-charges',
        components: {
          ...doc.summary.components,
          landedCostMinor: 700,
          totalMinor: doc.summary.costMinor + 700,
        },
      },
    };
    const sevenHundred: VerifyOptions = {
      importCharges: (id) => ({ ok: true, minor: id === ddp.id ? 700 : 0 }),
    };
    expect(rules(charged, network, inputs, sevenHundred)).toEqual(new Set());
    expect(rules(charged, network, inputs, { importCharges: () => ({ ok: true, minor: 650 }) })).toContain(
      'import-charges',
    );
  });

  it('total-cost, summary', () => {
    const s = doc.summary;
    expect(rules({ ...doc, summary: { ...s, costMinor: s.costMinor + 5_000 } })).toContain('total-cost');
    const bothOff = {
      ...s,
      costMinor: s.costMinor - 50_000,
      components: {
        ...s.components,
        containersMinor: s.components.containersMinor - 50_000,
        totalMinor: s.costMinor - 50_000,
      },
    };
    expect(rules({ ...doc, summary: bothOff })).toContain('total-cost');
    expect(rules({ ...doc, summary: { ...s, planned: s.planned - 1 } })).toContain('summary');
    expect(rules({ ...doc, summary: { ...s, lowerBoundMinor: s.costMinor + 1 } })).toContain('summary');
    expect(rules({ ...doc, summary: { ...s, containers: s.containers + 1 } })).toContain('summary');
  });

  it('container-proof: a container the proof calls proven carries exactly the parcels it loaded', () => {
    const { withProof, proven } = provenPlan();
    expect(verifyPlan(network, inputs, withProof, fx).violations).toEqual([]);
    const entries = proven.proof.byContainer!;
    const entry = entries.find((e) => e.proven && e.parcels > 1)!;
    expect(entry).toBeDefined();
    // The proof loaded one parcel fewer than ride the container.
    const riding = withProof.parcels
      .filter((p) => p.rides.some((r) => r.containerId === entry.id))
      .map((p) => p.id);
    expect(riding).toHaveLength(entry.parcels);
    const fewer = riding.slice(1);
    const tampered = {
      ...withProof,
      containerProof: {
        ...proven.proof,
        byContainer: entries.map((e) =>
          e === entry ? { ...e, parcels: fewer.length, parcelsDigest: parcelsDigest(fewer) } : e,
        ),
      },
    };
    const check = verifyPlan(network, inputs, tampered, fx);
    expect(check.violations).toContainEqual(
      expect.objectContaining({ rule: 'container-proof', containerId: entry.id }),
    );
    // The same count but another parcel: the digest tells.
    const other = [...fewer, withProof.parcels.find((p) => !riding.includes(p.id))!.id];
    const swapped = {
      ...withProof,
      containerProof: {
        ...proven.proof,
        byContainer: entries.map((e) => (e === entry ? { ...e, parcelsDigest: parcelsDigest(other) } : e)),
      },
    };
    expect(rules(swapped)).toContain('container-proof');
    // A container without an entry; counts that disagree; a container-load hold without a proof.
    expect(
      rules({
        ...withProof,
        containerProof: { ...proven.proof, byContainer: entries.filter((e) => e !== entry) },
      }),
    ).toContain('container-proof');
    expect(
      rules({ ...withProof, summary: { ...withProof.summary, containersProven: proven.proof.proven + 1 } }),
    ).toContain('container-proof');
    const p = doc.parcels[0]!;
    const { containerProof: _none, ...bare } = withProof;
    expect(
      rules({
        ...bare,
        summary: { ...doc.summary, containersProven: undefined },
        parcels: doc.parcels.filter((x) => x.id !== p.id),
        held: [...doc.held, { id: p.id, reason: 'container-load' }],
      } as PlanDocument),
    ).toContain('container-proof');
  });
});

/**
 * Each rule broken alone: the check names that violation and no other, so that no rule is covered by
 * another's report (`npm run mutate` found rules whose breaking still failed the plan, but for another
 * reason).
 */
describe('plan verify: each rule broken alone, named exactly', () => {
  beforeAll(async () => {
    if (doc) return;
    const ctx = preparePlanContext(network, FROM, 7, fx);
    const parcels = planParcels(network, list, list.length);
    const outcome = planConsolidation(ctx, parcels, await createHighsSolver());
    doc = planDocument(ctx, parcels, outcome);
    made = { ctx, parcels, outcome };
  });
  const violations = (
    d: PlanDocument,
    net: Network = network,
    parcels: ReadonlyMap<string, PlanParcelInput> = inputs,
  ) => verifyPlan(net, parcels, d, fx).violations;

  it('a planned parcel that is not in the input', () => {
    const p = doc.parcels[6]!;
    const found = violations({ ...doc, parcels: [...doc.parcels, { ...p, id: 'ghost' }] });
    expect(found).toContainEqual(expect.objectContaining({ rule: 'unknown-parcel', parcelId: 'ghost' }));
    // the count of planned parcels no longer matches either; nothing else is wrong
    expect(new Set(found.map((v) => v.rule))).toEqual(new Set(['unknown-parcel', 'summary']));
  });

  it('a departure listed twice, and one that does not run', () => {
    const empty = doc.departures.find((d) => d.containers.length === 0) ?? doc.departures[0]!;
    const twice = violations({ ...doc, departures: [...doc.departures, { ...empty, containers: [] }] });
    expect(twice).toContainEqual(
      expect.objectContaining({
        rule: 'container-count',
        departureId: empty.id,
        why: 'the departure is listed twice',
      }),
    );
    expect(
      twice.filter((v) => v.rule !== 'container-count' && v.rule !== 'summary' && v.rule !== 'total-cost'),
    ).toEqual([]);
    const ghost = { ...empty, id: `${empty.serviceId}@2020-01-01T00:00`, containers: [] };
    expect(violations({ ...doc, departures: [...doc.departures, ghost] })).toContainEqual(
      expect.objectContaining({ rule: 'departure-runs', departureId: ghost.id }),
    );
    const wrongService = {
      ...empty,
      serviceId: doc.departures.find((d) => d.serviceId !== empty.serviceId)!.serviceId,
      containers: [],
    };
    expect(
      violations({ ...doc, departures: [...doc.departures.filter((d) => d.id !== empty.id), wrongService] }),
    ).toContainEqual(expect.objectContaining({ rule: 'departure-runs', departureId: empty.id }));
  });

  it('a container listed twice on its departure', () => {
    const d = doc.departures.find((x) => x.containers.length > 0)!;
    const c = d.containers[0]!;
    const found = violations({
      ...doc,
      departures: doc.departures.map((x) => (x === d ? { ...x, containers: [...x.containers, c] } : x)),
    });
    expect(found).toContainEqual(
      expect.objectContaining({
        rule: 'container-count',
        containerId: c.id,
        why: 'the container is listed twice',
      }),
    );
  });

  it('a container whose parcels ride another departure than the one that lists it', () => {
    // Another departure that takes the container's type (so that only where it is listed is wrong).
    const takes = (x: PlanDocument['departures'][number], type: string) => {
      const service = services.get(x.serviceId)!;
      return (
        service.capacity.containers.some((k) => k.type === type) &&
        service.tariff.perContainerMinor?.[type as keyof typeof service.tariff.perContainerMinor] !==
          undefined
      );
    };
    const d = doc.departures.find(
      (x) =>
        x.containers.length > 0 && doc.departures.some((y) => y !== x && takes(y, x.containers[0]!.type)),
    )!;
    const c = d.containers[0]!;
    const other = doc.departures.find((x) => x !== d && takes(x, c.type))!;
    const moved = {
      ...doc,
      departures: doc.departures.map((x) =>
        x === d
          ? { ...x, containers: x.containers.filter((k) => k !== c) }
          : x === other
            ? { ...x, containers: [...x.containers, c] }
            : x,
      ),
    };
    expect(violations(moved)).toContainEqual(
      expect.objectContaining({ rule: 'container-departure', departureId: other.id, containerId: c.id }),
    );
  });

  it('a parcel held as ready after the horizon: refused when ready within it, accepted when ready at its end', () => {
    const p = doc.parcels[8]!;
    const without = { ...doc, parcels: doc.parcels.filter((x) => x.id !== p.id) };
    const held = { ...without, held: [...doc.held, { id: p.id, reason: 'ready-after-horizon' as const }] };
    const end = FROM + doc.horizon.days * 86_400_000;
    const at = (readyAtMs: number) => new Map(inputs).set(p.id, { ...inputs.get(p.id)!, readyAtMs });
    const hold = (ms: number) => violations(held, network, at(ms)).filter((v) => v.rule === 'hold-reason');
    expect(hold(end - 1)).toEqual([expect.objectContaining({ parcelId: p.id })]);
    expect(hold(end)).toEqual([]);
  });

  it('piece limits: longest side and shortest side, each at its limit and a millimetre over', () => {
    const p = doc.parcels[2]!;
    const input = inputs.get(p.id)!;
    const sides = [input.dimensions.lengthMm, input.dimensions.widthMm, input.dimensions.heightMm].sort(
      (a, b) => a - b,
    );
    const sid = serviceOf(p.rides[0]!.departureId).id;
    const restrict = (r: Partial<Network['services'][number]['restrictions']>) =>
      withService(sid, (s) => ({ ...s, restrictions: { ...s.restrictions, ...r } }));
    const pieces = (net: Network) =>
      violations(doc, net).filter((v) => v.rule === 'piece-limits' && v.parcelId === p.id);
    expect(pieces(restrict({ maxPieceLengthMm: sides[2]! }))).toEqual([]);
    expect(pieces(restrict({ maxPieceLengthMm: sides[2]! - 1 })).length).toBeGreaterThan(0);
    expect(pieces(restrict({ maxPieceHeightMm: sides[0]! }))).toEqual([]);
    expect(pieces(restrict({ maxPieceHeightMm: sides[0]! - 1 })).length).toBeGreaterThan(0);
    expect(pieces(restrict({ maxPieceWeightG: input.grossWeightG }))).toEqual([]);
    expect(pieces(restrict({ maxPieceWeightG: input.grossWeightG - 1 })).length).toBeGreaterThan(0);
  });

  it('a parcel to a country no last-mile zone serves, and one planned with no ride', () => {
    const p = doc.parcels[9]!;
    const nowhere = new Map(inputs).set(p.id, {
      ...inputs.get(p.id)!,
      consignee: { ...inputs.get(p.id)!.consignee, country: 'AQ' },
    });
    expect(violations(doc, network, nowhere).filter((v) => v.parcelId === p.id)).toEqual([
      expect.objectContaining({ rule: 'last-mile', why: 'no last-mile zone for AQ' }),
    ]);
    expect(violations(withParcel(doc, p.id, (x) => ({ ...x, rides: [] })))).toContainEqual(
      expect.objectContaining({ rule: 'calls-at', parcelId: p.id, why: 'planned with no ride' }),
    );
  });

  it('a promised date that is not the parcel’s', () => {
    const p = doc.parcels[10]!;
    expect(violations(withParcel(doc, p.id, (x) => ({ ...x, promisedDate: '2027-01-31' })))).toEqual([
      expect.objectContaining({
        rule: 'delivery-date',
        parcelId: p.id,
        why: expect.stringMatching(/^was promised for/),
      }),
    ]);
  });

  it('a plan costed with a carbon price: accepted as made, its parcels’ carbon recomputed', async () => {
    const ctx = preparePlanContext(network, FROM, 7, fx, { carbonPriceMinorPerTonne: 250_000 });
    const parcels = planParcels(network, list, list.length);
    const priced = planDocument(ctx, parcels, planConsolidation(ctx, parcels, await createHighsSolver()));
    expect(priced.settings.carbonPriceMinorPerTonne).toBe(250_000);
    expect(verifyPlan(network, inputs, priced, fx).violations).toEqual([]);
    // the same claims checked at no carbon price: the parcels' costs carry carbon the tariffs do not
    const atZero = { ...priced, settings: { ...priced.settings, carbonPriceMinorPerTonne: 0 } };
    expect(violations(atZero).filter((v) => v.rule === 'parcel-cost').length).toBeGreaterThan(100);
  });

  describe('container proofs', () => {
    let withProof: PlanDocument;
    let proof: NonNullable<PlanDocument['containerProof']>;
    beforeAll(() => {
      ({ withProof } = provenPlan());
      proof = withProof.containerProof!;
    });
    const withEntries = (
      byContainer: NonNullable<typeof proof.byContainer>,
      proven = byContainer.filter((e) => e.proven).length,
    ): PlanDocument => ({
      ...withProof,
      summary: { ...withProof.summary, containersProven: proven },
      containerProof: { ...proof, proven, byContainer },
    });

    it('accepts the proven plan as made', () => {
      expect(violations(withProof)).toEqual([]);
      expect(proof.byContainer!.length).toBeGreaterThan(1);
    });

    it('a summary that counts proven containers when the plan has no proof', () => {
      expect(violations({ ...doc, summary: { ...doc.summary, containersProven: 2 } })).toEqual([
        expect.objectContaining({ rule: 'container-proof', why: expect.stringMatching(/no 3D proof/) }),
      ]);
    });

    it('an entry for a container the plan does not list', () => {
      const ghost = { ...proof.byContainer![0]!, id: 'ghost#1', proven: false };
      expect(violations(withEntries([...proof.byContainer!, ghost]))).toEqual([
        expect.objectContaining({ rule: 'container-proof', containerId: 'ghost#1' }),
      ]);
    });

    it('a container with no entry, the counts matching the entries left', () => {
      const [gone, ...left] = proof.byContainer!;
      expect(violations(withEntries(left))).toEqual([
        expect.objectContaining({
          rule: 'container-proof',
          containerId: gone!.id,
          why: 'the 3D proof has no entry for it',
        }),
      ]);
    });

    it('entries that prove fewer containers than the proof and the summary say', () => {
      const flipped = proof.byContainer!.map((e, i) => (i === 0 ? { ...e, proven: false } : e));
      const found = violations(withEntries(flipped, proof.proven));
      expect(found).toEqual([
        expect.objectContaining({ rule: 'container-proof', why: expect.stringMatching(/its entries prove/) }),
      ]);
    });

    it('an unproven entry is not held to the parcels riding it', () => {
      const flipped = proof.byContainer!.map((e, i) =>
        i === 0 ? { ...e, proven: false, parcels: e.parcels + 5, parcelsDigest: '0000000000000000' } : e,
      );
      expect(violations(withEntries(flipped))).toEqual([]);
      const proven = proof.byContainer!.map((e, i) =>
        i === 0 ? { ...e, parcelsDigest: '0000000000000000' } : e,
      );
      expect(violations(withEntries(proven))).toEqual([
        expect.objectContaining({ rule: 'container-proof', containerId: proof.byContainer![0]!.id }),
      ]);
    });
  });
});
