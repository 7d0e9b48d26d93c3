import { DAY_MS } from '../domain/days.ts';
import type { ContainerType, Currency, CurrencyConverter, Network, Service } from '../domain/index.ts';
import { type Departure, expandDepartures } from '../network/index.ts';
import { lastMileRefusal } from '../quote/index.ts';
import type { PlanDocument } from './document.ts';
import type { PlanParcelInput } from './parcels.ts';
import { checkContainerProof } from './verify-proof.ts';
import {
  loadOfParcel,
  type RecomputedParcel,
  type VerifyLookups,
  walkParcel,
  zoneOfParcel,
} from './verify-route.ts';

/**
 * The rules `verifyPlan` enforces, one code each (every violation names its rule):
 * - `coverage`: every input parcel is planned or held, none is left out;
 * - `unknown-parcel`: the plan lists only input parcels;
 * - `listed-twice`: a parcel is planned once or held once, never both nor twice;
 * - `hold-reason`: a held parcel has a known reason, true of it where the check can tell;
 * - `departure-runs`, `road-link`, `cutoff`, `calls-at`: the rides run, connect and are caught in time;
 * - `dangerous-goods`, `hs-code`, `piece-limits`: each service admits the goods and the piece;
 * - `container-missing`: container services carry the parcel in a container, others loose;
 * - `gateway`, `last-mile`: the trip ends at a gateway of the parcel's zone, whose partner takes it;
 * - `delivery-date`, `late-days`: dates and lateness as the timetable gives them;
 * - `container-departure`, `container-unlisted`, `container-count`, `container-type`: containers are
 *   listed once, on the departure the parcel rides, with the parcels that ride them, of a type the
 *   service carries;
 * - `payload`, `volume`: a container holds its parcels' weight and filled volume;
 * - `slots`: a departure carries no more containers of a type than it has slots;
 * - `loose-weight`, `loose-volume`: loose cargo (air) within the departure's kg and litres;
 * - `parcel-cost`: each parcel's claimed cost is its own charges, lateness and share of its
 *   containers (by volume), plus its import charges;
 * - `import-charges`: DDP parcels carry import charges exactly when the plan says its total includes
 *   them, and (with `importCharges`) the charges are the landed-cost rules' for the parcel's trip;
 * - `total-cost`: the plan's total is the tariffs' total, and the sum of its components;
 * - `summary`: planned / held / parcel counts and the bound agree with the lists;
 * - `container-proof`: a container the 3D proof calls proven carries exactly the parcels its proof
 *   loaded (their number and digest), every container has a proof entry when the plan lists them,
 *   the proven counts agree, and parcels held for a container's load come with the proof.
 */
export type PlanRule =
  | 'coverage'
  | 'unknown-parcel'
  | 'listed-twice'
  | 'hold-reason'
  | 'departure-runs'
  | 'road-link'
  | 'cutoff'
  | 'calls-at'
  | 'dangerous-goods'
  | 'hs-code'
  | 'piece-limits'
  | 'container-missing'
  | 'gateway'
  | 'last-mile'
  | 'delivery-date'
  | 'late-days'
  | 'container-departure'
  | 'container-unlisted'
  | 'container-count'
  | 'container-type'
  | 'payload'
  | 'volume'
  | 'slots'
  | 'loose-weight'
  | 'loose-volume'
  | 'parcel-cost'
  | 'import-charges'
  | 'total-cost'
  | 'summary'
  | 'container-proof';

export interface PlanViolation {
  readonly rule: PlanRule;
  readonly parcelId?: string;
  readonly departureId?: string;
  readonly containerId?: string;
  readonly why: string;
}

export interface PlanVerification {
  readonly ok: boolean;
  readonly violations: readonly PlanViolation[];
  /** The plan's cost as recomputed from the network, the tariffs and the parcels alone. */
  readonly costMinor: number;
  readonly claimedCostMinor: number;
  /** Whether import charges were recomputed (with `importCharges`) or taken as claimed. */
  readonly importChargesChecked: boolean;
}

/** A DDP parcel's import charges for a trip, from the landed-cost rules: minor units, or why not. */
export type ImportChargeOf = (
  parcelId: string,
  trip: { readonly freightMinor: number; readonly channel: 'express' | 'postal'; readonly date: string },
) => { readonly ok: true; readonly minor: number } | { readonly ok: false; readonly why: string };

export interface VerifyOptions {
  /** Recomputes DDP import charges; without, they are checked for presence only. */
  readonly importCharges?: ImportChargeOf;
}

/** Reasons a plan may hold a parcel. */
export const HOLD_REASONS: ReadonlySet<string> = new Set([
  'no-zone',
  'refused-by-last-mile',
  'ready-after-horizon',
  'no-itinerary',
  'no-capacity',
  'container-load',
]);

/** Per-parcel tolerance, minor units: the planner converts rates once and rounds each parcel's total. */
const PARCEL_TOLERANCE_MINOR = 3;

/**
 * Checks a plan document against the network and its input parcels without the planner's code:
 * every input parcel is planned or held with a reason; every departure runs (disruptions applied),
 * every chain of rides meets cut-offs and transfer times, services admit the goods, the last-mile
 * partner takes the parcel, containers hold their parcels (payload and filled volume), departures
 * their containers (slots) and loose cargo (kg, litres); then recomputes each parcel's cost and the
 * total from the tariffs (per component, converted exactly) and the lateness from the recomputed
 * delivery days, and compares them with the plan's claims. `parcels` are the plan's inputs: exactly
 * the parcels it was asked to plan.
 */
export function verifyPlan(
  network: Network,
  parcels: ReadonlyMap<string, PlanParcelInput>,
  doc: PlanDocument,
  fx: CurrencyConverter,
  options: VerifyOptions = {},
): PlanVerification {
  const v: PlanViolation[] = [];
  const fromMs = Date.parse(doc.horizon.from);
  const date = doc.horizon.from.slice(0, 10);
  const currency = doc.settings.currency as Currency;
  const runs = new Map<string, Departure>(
    expandDepartures(network, fromMs, fromMs + (doc.horizon.days + 120) * DAY_MS).map((d) => [d.id, d]),
  );
  const services = new Map<string, Service>(network.services.map((s) => [s.id, s]));
  const equipment = new Map(network.equipment.map((e) => [e.type as string, e]));
  const lk: VerifyLookups = {
    network,
    runs,
    services,
    nodes: new Map(network.nodes.map((n) => [n.id, n])),
    equipment,
    convert: (amount, from) => {
      const r = fx.convert(amount, from, currency, date);
      if (r === undefined) throw new Error(`no exchange rate ${from}→${currency} on ${date}`);
      return r;
    },
    latePenaltyMinorPerDay: doc.settings.latePenaltyMinorPerDay,
    carbonPriceMinorPerTonne: doc.settings.carbonPriceMinorPerTonne,
  };

  // Coverage: each input parcel once, planned or held; nothing else.
  const seen = new Set<string>();
  const once = (id: string) => {
    if (seen.has(id))
      v.push({ rule: 'listed-twice', parcelId: id, why: 'listed more than once (planned or held)' });
    seen.add(id);
  };
  for (const planned of doc.parcels) once(planned.id);
  for (const h of doc.held) once(h.id);
  for (const id of parcels.keys())
    if (!seen.has(id))
      v.push({ rule: 'coverage', parcelId: id, why: 'an input parcel the plan neither plans nor holds' });
  for (const h of doc.held) {
    const p = parcels.get(h.id);
    if (!p) {
      v.push({ rule: 'unknown-parcel', parcelId: h.id, why: 'held, but not a parcel of the plan’s input' });
      continue;
    }
    if (!HOLD_REASONS.has(h.reason)) {
      v.push({
        rule: 'hold-reason',
        parcelId: h.id,
        why: `held for no known reason (${JSON.stringify(h.reason)})`,
      });
      continue;
    }
    const zone = zoneOfParcel(network, p);
    if (h.reason === 'no-zone' && zone)
      v.push({ rule: 'hold-reason', parcelId: h.id, why: `held for no zone, but zone ${zone.id} serves it` });
    if (h.reason === 'refused-by-last-mile' && (!zone || !lastMileRefusal(zone, loadOfParcel(p))))
      v.push({
        rule: 'hold-reason',
        parcelId: h.id,
        why: 'held as refused by the last mile, which takes it',
      });
    if (h.reason === 'ready-after-horizon' && p.readyAtMs < fromMs + doc.horizon.days * DAY_MS)
      v.push({
        rule: 'hold-reason',
        parcelId: h.id,
        why: 'held as ready after the horizon, but ready within it',
      });
  }

  // Each planned parcel's trip.
  const walked: {
    id: string;
    claimed: number;
    claimedImport: number;
    input: PlanParcelInput;
    r: RecomputedParcel;
  }[] = [];
  for (const planned of doc.parcels) {
    const p = parcels.get(planned.id);
    if (!p) {
      v.push({
        rule: 'unknown-parcel',
        parcelId: planned.id,
        why: 'planned, but not a parcel of the plan’s input',
      });
      continue;
    }
    const r = walkParcel(lk, p, planned, v);
    if (r)
      walked.push({
        id: p.id,
        claimed: planned.costMinor,
        claimedImport: planned.importChargesMinor ?? 0,
        input: p,
        r,
      });
  }

  // Containers: listed once, on the departure their parcels ride; loads and slots.
  const containerLoad = new Map<
    string,
    { weightG: number; volumeMm3: number; parcels: number; departureId: string }
  >();
  for (const w of walked)
    for (const c of w.r.containers) {
      const load = containerLoad.get(c.id) ?? {
        weightG: 0,
        volumeMm3: 0,
        parcels: 0,
        departureId: c.departureId,
      };
      if (load.departureId !== c.departureId)
        v.push({
          rule: 'container-departure',
          parcelId: w.id,
          containerId: c.id,
          why: `the container is on ${load.departureId}, not ${c.departureId}`,
        });
      load.weightG += w.r.load.weightG;
      load.volumeMm3 += w.r.load.volumeMm3;
      load.parcels++;
      containerLoad.set(c.id, load);
    }
  const containerCost = new Map<string, number>();
  let containersMinor = 0;
  const listed = new Set<string>();
  const listedDepartures = new Set<string>();
  for (const d of doc.departures) {
    if (listedDepartures.has(d.id))
      v.push({ rule: 'container-count', departureId: d.id, why: 'the departure is listed twice' });
    listedDepartures.add(d.id);
    const run = runs.get(d.id);
    const service = services.get(d.serviceId);
    if (!run || !service || run.serviceId !== service.id) {
      v.push({ rule: 'departure-runs', departureId: d.id, why: 'the departure does not run' });
      continue;
    }
    const perType = new Map<string, number>();
    for (const c of d.containers) {
      if (listed.has(c.id))
        v.push({
          rule: 'container-count',
          departureId: d.id,
          containerId: c.id,
          why: 'the container is listed twice',
        });
      listed.add(c.id);
      perType.set(c.type, (perType.get(c.type) ?? 0) + 1);
      const e = equipment.get(c.type);
      const rate = service.tariff.perContainerMinor?.[c.type as ContainerType];
      if (!e || rate === undefined || !service.capacity.containers.some((x) => x.type === c.type)) {
        v.push({
          rule: 'container-type',
          departureId: d.id,
          containerId: c.id,
          why: `${service.id} has no ${c.type} containers`,
        });
        continue;
      }
      const cost = lk.convert(rate, service.tariff.currency);
      containerCost.set(c.id, cost);
      containersMinor += cost;
      const load = containerLoad.get(c.id);
      if (load && load.departureId !== d.id)
        v.push({
          rule: 'container-departure',
          departureId: d.id,
          containerId: c.id,
          why: `its parcels ride ${load.departureId}, not ${d.id}`,
        });
      const weightG = load?.weightG ?? 0;
      if (weightG > e.payloadG)
        v.push({
          rule: 'payload',
          departureId: d.id,
          containerId: c.id,
          why: `holds ${weightG} g, over the ${e.payloadG} g payload`,
        });
      const filled = e.innerLengthMm * e.innerWidthMm * e.innerHeightMm * doc.settings.containerFill;
      const volume = load?.volumeMm3 ?? 0;
      if (volume > filled * (1 + 1e-9)) {
        v.push({
          rule: 'volume',
          departureId: d.id,
          containerId: c.id,
          why: `holds ${(volume / 1e9).toFixed(3)} m³, over the ${(filled / 1e9).toFixed(3)} m³ it can be filled to`,
        });
      }
      if ((load?.parcels ?? 0) !== c.parcels)
        v.push({
          rule: 'container-count',
          departureId: d.id,
          containerId: c.id,
          why: `lists ${c.parcels} parcels but ${load?.parcels ?? 0} ride in it`,
        });
    }
    for (const [type, count] of perType) {
      const slots = service.capacity.containers.find((x) => x.type === type)?.count ?? 0;
      if (count > slots)
        v.push({
          rule: 'slots',
          departureId: d.id,
          why: `${count} ${type} containers, over the ${slots} slots`,
        });
    }
  }
  for (const [id, load] of containerLoad)
    if (!listed.has(id))
      v.push({
        rule: 'container-unlisted',
        departureId: load.departureId,
        containerId: id,
        why: 'parcels ride a container the plan does not list',
      });

  // Loose cargo per departure within its kg and litres.
  const looseLoad = new Map<string, { weightG: number; volumeMm3: number }>();
  for (const w of walked)
    for (const id of w.r.loose) {
      const l = looseLoad.get(id) ?? { weightG: 0, volumeMm3: 0 };
      l.weightG += w.r.load.weightG;
      l.volumeMm3 += w.r.load.volumeMm3;
      looseLoad.set(id, l);
    }
  for (const [id, l] of looseLoad) {
    const service = services.get(runs.get(id)!.serviceId)!;
    if (service.capacity.weightKg !== undefined && l.weightG > service.capacity.weightKg * 1000)
      v.push({
        rule: 'loose-weight',
        departureId: id,
        why: `${l.weightG / 1000} kg loose, over the ${service.capacity.weightKg} kg capacity`,
      });
    if (service.capacity.volumeL !== undefined && l.volumeMm3 > service.capacity.volumeL * 1e6)
      v.push({
        rule: 'loose-volume',
        departureId: id,
        why: `${(l.volumeMm3 / 1e6).toFixed(0)} L loose, over the ${service.capacity.volumeL} L capacity`,
      });
  }

  // Each parcel's cost: own charges, lateness, its share of each container by volume, import charges.
  const includesImport = doc.summary.components.landedCostMinor !== undefined;
  let cost = containersMinor;
  let importTotal = 0;
  for (const w of walked) {
    let share = 0;
    for (const c of w.r.containers) {
      const load = containerLoad.get(c.id);
      const rate = containerCost.get(c.id);
      if (load && rate !== undefined) share += (rate * w.r.load.volumeMm3) / Math.max(1, load.volumeMm3);
    }
    const lateness = w.r.lateDays * doc.settings.latePenaltyMinorPerDay;
    const freight = w.r.ownMinor + share;
    cost += w.r.ownMinor + lateness;
    let charges = w.claimedImport;
    if (w.input.incoterm !== 'DDP' && charges !== 0)
      v.push({
        rule: 'import-charges',
        parcelId: w.id,
        why: `a ${w.input.incoterm} parcel, yet ${charges} of import charges`,
      });
    else if (w.input.incoterm === 'DDP' && includesImport && options.importCharges) {
      const r = options.importCharges(w.id, {
        freightMinor: Math.round(freight),
        channel: w.r.flies ? 'express' : 'postal',
        date: w.r.deliveryDate,
      });
      if (r.ok && Math.abs(r.minor - charges) > PARCEL_TOLERANCE_MINOR)
        v.push({ rule: 'import-charges', parcelId: w.id, why: `import charges ${r.minor}, not ${charges}` });
      if (r.ok) charges = r.minor;
      else if (charges !== 0)
        v.push({
          rule: 'import-charges',
          parcelId: w.id,
          why: `claims ${charges} of import charges the rules cannot give (${r.why})`,
        });
    }
    importTotal += charges;
    const recomputed = Math.round(freight + lateness + charges);
    if (Math.abs(recomputed - w.claimed) > PARCEL_TOLERANCE_MINOR)
      v.push({
        rule: 'parcel-cost',
        parcelId: w.id,
        why: `the plan claims ${w.claimed} minor units; the tariffs give ${recomputed}`,
      });
  }
  if (!includesImport && importTotal !== 0)
    v.push({ rule: 'import-charges', why: 'parcels carry import charges the plan’s total does not include' });
  cost +=
    doc.held.filter((h) => h.reason === 'no-capacity' || h.reason === 'container-load').length *
    doc.settings.holdPenaltyMinor;
  cost += importTotal;

  // The total: the tariffs' total, and the sum of its components.
  const s = doc.summary;
  const claimed = s.costMinor;
  const components = s.components;
  const sum =
    components.containersMinor +
    components.perParcelMinor +
    components.latenessMinor +
    components.carbonMinor +
    components.heldMinor +
    (components.landedCostMinor ?? 0);
  if (Math.abs(sum - claimed) > 1 || Math.abs(components.totalMinor - claimed) > 1)
    v.push({
      rule: 'total-cost',
      why: `the components add up to ${Math.round(sum)}, not the ${claimed} claimed`,
    });
  // Rates converted once by the planner, each charge exactly here: a minor unit a parcel and a container.
  const tolerance = doc.parcels.length + listed.size + 10;
  if (Math.abs(cost - claimed) > tolerance)
    v.push({
      rule: 'total-cost',
      why: `the plan claims ${claimed} minor units; the tariffs give ${Math.round(cost)}`,
    });

  // Summary counts and bound.
  if (s.planned !== doc.parcels.length || s.held !== doc.held.length || s.parcels !== s.planned + s.held)
    v.push({
      rule: 'summary',
      why: `the summary says ${s.parcels} parcels, ${s.planned} planned, ${s.held} held; the lists hold ${doc.parcels.length} planned and ${doc.held.length} held`,
    });
  if (s.parcels !== parcels.size)
    v.push({
      rule: 'summary',
      why: `the summary says ${s.parcels} parcels; the plan’s input has ${parcels.size}`,
    });
  if (s.lowerBoundMinor > claimed)
    v.push({ rule: 'summary', why: `the lower bound ${s.lowerBoundMinor} is above the cost ${claimed}` });
  if (s.containers !== listed.size)
    v.push({
      rule: 'summary',
      why: `the summary says ${s.containers} containers; the departures list ${listed.size}`,
    });
  checkContainerProof(doc, walked, listed, v);
  return {
    ok: v.length === 0,
    violations: v,
    costMinor: Math.round(cost),
    claimedCostMinor: claimed,
    importChargesChecked: includesImport && options.importCharges !== undefined,
  };
}
