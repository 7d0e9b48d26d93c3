/**
 * `npx tsx bench/plan-gap.ts [--parcels 100000] [--seed 1] [--top 25]`
 *
 * Where the planner's gap sits. Runs the planner on the bench's parcels, then splits the gap between
 * the plan and its lower bound into the parcels' own costs (charges, lateness, holding) and, per
 * containerised departure, what the plan pays for containers there against what the bound credits it
 * (the capacity prices the bound's parcels pay to ride it plus the departure's capacity term), with
 * the master LP's fractional containers beside.
 */
import { fileURLToPath } from 'node:url';
import { fxConverter, readFxFile, readNetworkFile } from '../src/files/index.ts';
import { generateParcelStream } from '../src/generate/index.ts';
import { cappedContainerTerm, DepartureDemand } from '../src/plan/demand.ts';
import { planConsolidation, planParcels, preparePlanContext, priceCommodity } from '../src/plan/index.ts';
import { createHighsSolver } from '../src/solver/index.ts';

const args = process.argv.slice(2);
const arg = (name: string, fallback: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1]! : fallback;
};
const n = Number(arg('--parcels', '100000'));
const seed = Number(arg('--seed', '1'));
const top = Number(arg('--top', '25'));
const network = readNetworkFile(fileURLToPath(new URL('../data/network/chongqing.yaml', import.meta.url)));
const fx = fxConverter(readFxFile(fileURLToPath(new URL('../data/fx/rates.yaml', import.meta.url))));
const fromMs = Date.parse('2026-12-01T00:00:00+08:00');
function* generated() {
  let i = 0;
  for (const p of generateParcelStream({ count: n, seed, from: '2026-12-01', days: 14 })) {
    const id = `p${String(i++).padStart(7, '0')}`;
    yield { ...p, id, readyAtMs: Date.parse(p.readyAt) };
  }
}
const ctx = preparePlanContext(network, fromMs, 14, fx);
const parcels = planParcels(network, generated(), n);
const solver = await createHighsSolver();
const t0 = performance.now();
const cpu0 = process.cpuUsage();
const out = planConsolidation(ctx, parcels, solver, {
  nowMs: () => performance.now(),
  ...(args.includes('--linking') ? { linking: true } : {}),
  ...(args.includes('--no-ascent') ? { linkAscent: false } : {}),
});
const wall = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
console.log(`planner CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s (wall ${wall.toFixed(1)} s)`);
const usd = (minor: number) => (minor / 100).toLocaleString('en', { maximumFractionDigits: 0 });
const rx = out.relaxation;
const table = rx.table;
const agg = out.aggregation;
const settings = {
  latePenaltyMinorPerDay: ctx.settings.latePenaltyMinorPerDay,
  holdPenaltyMinor: ctx.settings.holdPenaltyMinor,
};
const costs = out.stats.costs;
console.log(
  `stages ${JSON.stringify(Object.fromEntries(Object.entries(out.timingsMs).map(([k, v]) => [k, Math.round(v)])))} ms`,
);
console.log(
  `${n} parcels: ${wall.toFixed(1)} s; cost ${usd(costs.totalMinor)}, bound ${usd(out.lowerBoundMinor)} (relaxation ${usd(rx.boundMinor)}, all ${usd(rx.boundAllMinor)}), master LP ${usd(rx.masterMinor)}, gap ${out.gapPercent.toFixed(3)} %, covers ${rx.covers}, links ${rx.links.length}`,
);

// The bound at its prices, taken apart.
const prices = rx.boundPrices;
const m = table.departures.length;
const payKg = new Float64Array(m);
const payM3 = new Float64Array(m);
const useKg = new Float64Array(m);
const payLink = new Float64Array(m);
const useM3 = new Float64Array(m);
let boundRaw = 0;
let boundHeld = 0;
let boundLate = 0;
for (let ci = 0; ci < table.commodities.length; ci++) {
  const t = table.commodities[ci]!;
  const ch = priceCommodity(table, agg, ci, parcels, settings, prices);
  boundRaw += ch.costMinor;
  const members = agg.commodities[ci]!.parcels;
  ch.choice.forEach((k, i) => {
    if (k < 0) boundHeld += settings.holdPenaltyMinor;
    else {
      const late = t.deliveryDay[k]! - parcels.promiseDay[members[i]!]!;
      if (late > 0) boundLate += late * settings.latePenaltyMinorPerDay;
    }
  });
  const link = prices.perParcel[ci];
  if (link) {
    const paying = prices.linkMembers?.[ci];
    ch.choice.forEach((k, i) => {
      if (k < 0 || (paying && paying[i] !== 1)) return;
      for (let q = t.rideStart[k]!; q < t.rideStart[k + 1]!; q++) {
        const l = t.rides[q]!;
        if (t.containerised[l] === 1) payLink[t.departures[l]!]! += link[l] ?? 0;
      }
    });
  }
  for (let l = 0; l < t.departures.length; l++) {
    const g = t.departures[l]!;
    useKg[g]! += ch.kg[l]!;
    useM3[g]! += ch.m3[l]!;
    payKg[g]! += prices.perKg[g]! * ch.kg[l]!;
    payM3[g]! += prices.perM3[g]! * ch.m3[l]!;
  }
}
const demand = new DepartureDemand(ctx, agg, parcels);
const capTerm = new Float64Array(m);
let capTotal = 0;
const rhoOf = table.departures.map((d) => d.containers.map((t) => Math.round(t.costMinor)));
for (const l of rx.links) {
  const lambda = prices.perParcel[l.commodity]?.[l.local] ?? 0;
  l.perContainer.forEach((a, t) => {
    rhoOf[l.departure]![t]! -= lambda * a;
  });
}
table.departures.forEach((d, i) => {
  if (d.containers.length > 0) {
    const [dk, dm] = demand.of(d);
    capTerm[i] = cappedContainerTerm(d, rhoOf[i]!, prices.perKg[i]!, prices.perM3[i]!, dk, dm);
  } else {
    const [dk, dm] = demand.of(d);
    let v = 0;
    if (Number.isFinite(d.weightCapG)) v -= prices.perKg[i]! * Math.min(d.weightCapG / 1000, dk);
    if (Number.isFinite(d.volumeCapMm3)) v -= prices.perM3[i]! * Math.min(d.volumeCapMm3 / 1e9, dm);
    capTerm[i] = v;
  }
  capTotal += capTerm[i]!;
});
let payTotal = 0;
for (let i = 0; i < m; i++) payTotal += payKg[i]! + payM3[i]! + payLink[i]!;
console.log(
  `bound recomputed ${usd(boundRaw + payTotal + capTotal)}: parcels' own costs ${usd(boundRaw)} (lateness ${usd(boundLate)}, held ${usd(boundHeld)}), capacity payments ${usd(payTotal)}, capacity term ${usd(capTotal)}`,
);
console.log(
  `plan: containers ${usd(costs.containersMinor)}, per parcel ${usd(costs.perParcelMinor)}, lateness ${usd(costs.latenessMinor)}, held ${usd(costs.heldMinor)}`,
);
const planRaw = costs.perParcelMinor + costs.latenessMinor + costs.heldMinor + costs.carbonMinor;
console.log(
  `gap ${usd(costs.totalMinor - out.lowerBoundMinor)} = parcels' own costs ${usd(planRaw - boundRaw)} + departures ${usd(costs.containersMinor - payTotal - capTotal)}`,
);

// The master LP's use per departure.
const lpKg = new Float64Array(m);
const lpM3 = new Float64Array(m);
rx.mixes.forEach((mix, ci) => {
  const t = table.commodities[ci]!;
  const members = agg.commodities[ci]!.parcels;
  for (const { choice, weight } of mix)
    choice.forEach((k, i) => {
      if (k < 0) return;
      const p = members[i]!;
      for (let q = t.rideStart[k]!; q < t.rideStart[k + 1]!; q++) {
        const g = t.departures[t.rides[q]!]!;
        lpKg[g]! += (weight * parcels.weightG[p]!) / 1000;
        lpM3[g]! += (weight * parcels.volumeMm3[p]!) / 1e9;
      }
    });
});
// The plan per departure.
const planCost = new Map<number, { cost: number; count: number; kg: number; m3: number }>();
for (const [key, list] of out.assignment.loading.containers) {
  for (const c of list) {
    if (c.parcels.length === 0) continue;
    const t = ctx.departures.get(key)!.containers[c.type]!;
    const e = planCost.get(key) ?? { cost: 0, count: 0, kg: 0, m3: 0 };
    e.cost += Math.round(t.costMinor);
    e.count++;
    e.kg += c.weightG / 1000;
    e.m3 += c.volumeMm3 / 1e9;
    planCost.set(key, e);
  }
}
const rows = table.departures
  .map((d, i) => {
    if (d.containers.length === 0) return undefined;
    const plan = planCost.get(d.key) ?? { cost: 0, count: 0, kg: 0, m3: 0 };
    const credit = payKg[i]! + payM3[i]! + payLink[i]! + capTerm[i]!;
    // The LP's fractional containers: the cheapest type per unit of the binding dimension.
    let lpCost = Number.POSITIVE_INFINITY;
    for (const t of d.containers) {
      const y = Math.max(lpKg[i]! / (t.payloadG / 1000), lpM3[i]! / (t.volumeMm3 / 1e9));
      lpCost = Math.min(lpCost, y * t.costMinor);
    }
    const [dk, dm] = demand.of(d);
    return {
      id: d.id,
      planCost: plan.cost,
      count: plan.count,
      planM3: plan.m3,
      credit,
      gap: plan.cost - credit,
      lpCost,
      lpM3: lpM3[i]!,
      boundM3: useM3[i]!,
      demandM3: dm,
      demandKg: dk,
      priceM3: prices.perM3[i]!,
      priceKg: prices.perKg[i]!,
      rate: d.containers
        .map((t) => `${t.type}:${usd(t.costMinor)}/${(t.volumeMm3 / 1e9).toFixed(1)}m3x${t.slots}`)
        .join(' '),
    };
  })
  .filter((r) => r !== undefined && (r.planCost > 0 || r.credit !== 0 || r.lpCost > 0))
  .map((r) => r!);
rows.sort((a, b) => b.gap - a.gap);
let pos = 0;
let neg = 0;
for (const r of rows)
  if (r.gap > 0) pos += r.gap;
  else neg += r.gap;
console.log(`departures: ${rows.length} with containers or credit; gap there +${usd(pos)} / ${usd(neg)}`);
console.log(
  'departure | plan USD (n, m3) | bound credit USD (bound m3, demand m3) | LP USD (m3) | price/m3 | rates',
);
for (const r of rows.slice(0, top))
  console.log(
    `${r.id} | ${usd(r.planCost)} (${r.count}, ${r.planM3.toFixed(1)}) | ${usd(r.credit)} (${r.boundM3.toFixed(1)}, ${r.demandM3.toFixed(0)}) | ${usd(r.lpCost)} (${r.lpM3.toFixed(1)}) | ${usd(r.priceM3)}+${usd(r.priceKg * 100)}/100kg | ${r.rate}`,
  );
console.log('…most negative:');
for (const r of rows.slice(-5))
  console.log(
    `${r.id} | ${usd(r.planCost)} (${r.count}, ${r.planM3.toFixed(1)}) | ${usd(r.credit)} (${r.boundM3.toFixed(1)}, ${r.demandM3.toFixed(0)}) | ${usd(r.lpCost)} (${r.lpM3.toFixed(1)})`,
  );
// Per service (corridor): the plan's containers against the bound's credit.
const bySvc = new Map<
  string,
  { plan: number; credit: number; n: number; m3: number; bm3: number; lp: number }
>();
for (const r of rows) {
  const svc = r.id.split('@')[0]!;
  const e = bySvc.get(svc) ?? { plan: 0, credit: 0, n: 0, m3: 0, bm3: 0, lp: 0 };
  e.plan += r.planCost;
  e.credit += r.credit;
  e.n += r.count;
  e.m3 += r.planM3;
  e.bm3 += r.boundM3;
  e.lp += r.lpCost;
  bySvc.set(svc, e);
}
console.log('service | plan USD (containers, m3) | bound credit USD (m3) | LP USD | gap USD');
for (const [svc, e] of [...bySvc].sort((a, b) => b[1].plan - b[1].credit - (a[1].plan - a[1].credit)))
  console.log(
    `${svc} | ${usd(e.plan)} (${e.n}, ${e.m3.toFixed(1)}) | ${usd(e.credit)} (${e.bm3.toFixed(1)}) | ${usd(e.lp)} | ${usd(e.plan - e.credit)}`,
  );
