/**
 * `npm run bench:quote -- [--quotes N] [--seed S]`: N random quotes (default 100,000) on the sample
 * network over a 90-day horizon, single-threaded, one at a time. Parcels come from the generator's
 * mix (weights, sizes, batteries, destinations); ready times are uniform over the horizon. Prints
 * quotes per second and latency percentiles; index preparation is timed separately.
 */
import { fileURLToPath } from 'node:url';
import { fxConverter, readFxFile, readNetworkFile } from '../src/files/index.ts';
import { generateParcels } from '../src/generate/index.ts';
import {
  prepareQuoteIndex,
  type QuoteRequest,
  QuoteRequestSchema,
  quoteItineraries,
} from '../src/quote/index.ts';

const args = process.argv.slice(2);
const arg = (name: string, fallback: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const count = arg('--quotes', 100_000);
const seed = arg('--seed', 11);
const horizonDays = 90;

const network = readNetworkFile(fileURLToPath(new URL('../data/network/chongqing.yaml', import.meta.url)));
const fromMs = Date.parse('2026-12-01T00:00:00+08:00');
const t0 = performance.now();
const index = prepareQuoteIndex(network, { fromMs, horizonDays });
const prepMs = performance.now() - t0;

// Requests: parcels of the generator's mix, ready at random instants in the horizon.
const { parcels } = generateParcels({ count: Math.min(count, 50_000), seed, from: '2026-12-01', days: 1 });
let state = seed >>> 0 || 1;
const random = () => {
  state ^= state << 13;
  state ^= state >>> 17;
  state ^= state << 5;
  return (state >>> 0) / 4_294_967_296;
};
const currencies = ['USD', 'EUR', 'CNY'] as const;
const requests: QuoteRequest[] = [];
for (let i = 0; i < count; i++) {
  const p = parcels[i % parcels.length]!;
  const readyMs = fromMs + Math.floor(random() * (horizonDays * 86_400_000 - 1));
  requests.push(
    QuoteRequestSchema.parse({
      readyAt: new Date(readyMs).toISOString(),
      destination: { country: p.consignee.country, postcode: p.consignee.postcode },
      currency: currencies[i % 3],
      shipment: {
        kind: 'parcel',
        grossWeightG: Math.min(p.grossWeightG, 70_000),
        dimensions: p.dimensions,
        dangerousGoods: p.dangerousGoods,
        items: p.items,
      },
    }),
  );
}

const settings = {
  fx: fxConverter(readFxFile(fileURLToPath(new URL('../data/fx/rates.yaml', import.meta.url)))),
};
// Warm-up: pattern enumeration per zone and JIT, not counted.
for (let i = 0; i < Math.min(2_000, count); i++) quoteItineraries(index, requests[i]!, settings);

const latencies = new Float64Array(count);
let options = 0;
let failures = 0;
const start = performance.now();
for (let i = 0; i < count; i++) {
  const a = performance.now();
  const answer = quoteItineraries(index, requests[i]!, settings);
  latencies[i] = performance.now() - a;
  if (answer.ok) options += answer.options.length;
  else failures++;
}
const wallMs = performance.now() - start;
latencies.sort();
const pct = (p: number) => latencies[Math.min(count - 1, Math.floor((p / 100) * count))]!;
console.log(
  `bench:quote — ${count.toLocaleString('en')} quotes, sample network (${network.services.length} services), ${horizonDays}-day horizon, one thread`,
);
console.log(
  `  index: ${index.timetables.reduce((n, t) => n + t.departures.length, 0)} departures prepared in ${prepMs.toFixed(0)} ms`,
);
console.log(
  `  throughput  ${Math.round(count / (wallMs / 1000)).toLocaleString('en')} quotes/s   (target ≥ 20,000)`,
);
console.log(
  `  latency     p50 ${(pct(50) * 1000).toFixed(0)} µs   p90 ${(pct(90) * 1000).toFixed(0)} µs   p99 ${(pct(99) * 1000).toFixed(0)} µs   max ${(latencies[count - 1]! * 1000).toFixed(0)} µs   (target p99 ≤ 1 ms)`,
);
console.log(
  `  answers     ${(options / (count - failures)).toFixed(2)} options per quote; ${failures} without an option (last-mile limits, no route)`,
);

// The same requests through the API's answer (local-time views) with landed cost on every option.
{
  const { Hub } = await import('../src/api/hub.ts');
  const { answerQuote } = await import('../src/api/quotes.routes.ts');
  const { readDutyRules } = await import('../src/files/index.ts');
  const fxTables = readFxFile(fileURLToPath(new URL('../data/fx/rates.yaml', import.meta.url)));
  const hub = new Hub(network, settings.fx, () => fromMs, {
    rules: readDutyRules(fileURLToPath(new URL('../data/duties', import.meta.url))),
    fx: fxTables,
  });
  const n = Math.min(count, 20_000);
  for (let i = 0; i < 500; i++) answerQuote(hub, requests[i]!);
  const lat = new Float64Array(n);
  const t = performance.now();
  for (let i = 0; i < n; i++) {
    const a = performance.now();
    answerQuote(hub, requests[i]!);
    lat[i] = performance.now() - a;
  }
  const wall = performance.now() - t;
  lat.sort();
  console.log(
    `  with landed cost per option and API views (${n.toLocaleString('en')} quotes): ${Math.round(n / (wall / 1000)).toLocaleString('en')} quotes/s, p50 ${(lat[Math.floor(n / 2)]! * 1000).toFixed(0)} µs, p99 ${(lat[Math.floor(n * 0.99)]! * 1000).toFixed(0)} µs`,
  );
}
