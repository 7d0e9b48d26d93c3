/**
 * `npm run bench:api -- [--parcels 100000] [--seconds 30] [--boxes 5000] [--rate R] [--client-nice 10]`: the API under mixed
 * traffic on loopback while a plan job of the hub's parcels and a big load plan run.
 *
 * Without `--rate`, each route's connections send their next request as soon as the last is answered:
 * the API at saturation, its most req/s (and `/health` waits behind every request in flight). With
 * `--rate R`, the routes together send R requests a second (shared in proportion to their
 * connections), each connection on a fixed schedule, latencies counted from the scheduled time
 * (`paced.ts`): latency at a stated load, below saturation, as a service level is stated.
 *
 * Prepares a fresh SQLite store with N generated parcels ready over the next 14 days, starts
 * `landbridge serve` as its own process (rate limits off), queues the plan job (`POST /v1/plans`,
 * 14 days) and a load plan of B boxes (`timeLimitMs` 10 s), and drives with autocannon at once:
 * single quotes, landed cost, small parcel imports (10 parcels, unique orders), parcel reads, parcel
 * journeys and parcel lists, each route its own autocannon instance (its req/s, p50, p99, errors),
 * while a prober in a thread of its own reads `/health` every 20 ms. Prints the routes, `/health` p50/p99/max, the load plan's
 * time and the plan job's time from `POST` to the stored document. `BENCH_SERVER_NODE_ARGS` passes Node
 * flags to the server alone (`--cpu-prof --cpu-prof-dir=DIR`); `LANDBRIDGE_LOOP_LOG_MS=20` makes the
 * server log its long event-loop callbacks.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { getPriority, loadavg, setPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import autocannon from 'autocannon';
import { parcelsFromJson } from '../src/domain/index.ts';
import { generateParcels } from '../src/generate/index.ts';
import { importParcels } from '../src/intake/index.ts';
import { openStore } from '../src/store/index.ts';
import { backgroundNice, poolNice } from '../src/workers/index.ts';
import { freePort } from '../test/fixtures/free-port.ts';
import { pacedRoute } from './paced.ts';

const args = process.argv.slice(2);
const arg = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const PARCELS = arg('parcels', 100_000);
const SECONDS = arg('seconds', 30);
const BOXES = arg('boxes', 5_000);
const RATE = arg('rate', 0);
/** The load generator's nice value (`--client-nice`, 0–19): see where autocannon starts. */
const CLIENT_NICE = Math.min(19, Math.max(0, arg('client-nice', 10)));
const BIN = new URL('../bin/landbridge.js', import.meta.url).pathname;
const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10); // the hub's day (UTC+8)

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * p))] ?? Number.NaN;
};
const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');

const dir = mkdtempSync(join(tmpdir(), 'lb-bench-api-'));
const url = `sqlite:${join(dir, 'api.db')}`;
console.log(
  `bench:api — ${PARCELS.toLocaleString('en')} parcels, ${SECONDS} s of traffic, ${BOXES} boxes; load ${load()}; ` +
    `server threads: API nice ${process.env.LANDBRIDGE_API_NICE ?? '0 (LANDBRIDGE_API_NICE unset)'}, pools nice ${poolNice()}, jobs nice ${backgroundNice()}; load generator nice ${CLIENT_NICE}, prober 0`,
);
const t0 = performance.now();
const { sellers, parcels } = generateParcels({ count: PARCELS, seed: 11, from: today, days: 14 });
const boxSource = generateParcels({ count: Math.ceil(BOXES * 1.15), seed: 4, from: today }).parcels;
const store = await openStore(url);
for (const s of sellers) await store.sellers.upsert(s);
const imported = await importParcels(store, parcelsFromJson(parcels, 'generated'), {
  actor: { role: 'operator' },
  receivedAtMs: Date.now(),
});
const operator = (await store.apiKeys.create({ role: 'operator', label: 'bench' })).key;
const sellerId = sellers[0]!.id;
const seller = (await store.apiKeys.create({ role: 'seller', sellerId, label: 'bench' })).key;
const readIds = imported.parcelIds.filter((_, i) => i % Math.max(1, Math.floor(PARCELS / 2000)) === 0);
await store.close();
console.log(
  `prepared ${imported.imported.toLocaleString('en')} parcels in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
);

const port = await freePort();
const base = `http://127.0.0.1:${port}`;
// BENCH_SERVER_NODE_ARGS: Node flags for the server process only (`--cpu-prof --cpu-prof-dir=DIR`)
const serverNodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
const serverStart = performance.now();
const server = spawn(process.execPath, [...serverNodeArgs, BIN, 'serve', '--quiet'], {
  env: {
    ...process.env,
    DATABASE_URL: url,
    PORT: String(port),
    HOST: '127.0.0.1',
    LANDBRIDGE_RATE_LIMIT_KEY_PER_S: '0',
    LANDBRIDGE_RATE_LIMIT_ADDRESS_PER_S: '0',
  },
  stdio: ['ignore', 'pipe', 'inherit'],
});
await new Promise<void>((resolve, reject) => {
  let out = '';
  server.stdout!.on('data', (d) => {
    out += d;
    if (out.includes('Landbridge API on')) resolve();
  });
  server.on('exit', (code) => reject(new Error(`server exited (${code}): ${out}`)));
});

const auth = (key: string) => ({ authorization: `Bearer ${key}`, 'content-type': 'application/json' });
try {
  // warm the routes once (the pool's threads, the quote index)
  const quote = JSON.stringify({
    readyAt: `${today}T10:00:00+08:00`,
    destination: { country: 'PL', postcode: '00-001' },
    currency: 'USD',
    incoterm: 'DDP',
    shipment: {
      kind: 'parcel',
      grossWeightG: 2300,
      dimensions: { lengthMm: 400, widthMm: 300, heightMm: 200 },
      dangerousGoods: ['UN3481'],
      items: [
        {
          description: 'Phone',
          hsCode: '851713',
          quantity: 1,
          unitValueMinor: 8900,
          currency: 'USD',
          originCountry: 'CN',
        },
      ],
    },
  });
  const landed = JSON.stringify({
    destination: 'DE',
    date: today,
    incoterm: 'DDP',
    grossWeightG: 400,
    items: [
      {
        description: 'T-shirt',
        hsCode: '610910',
        quantity: 2,
        unitValueMinor: 799,
        currency: 'USD',
        originCountry: 'CN',
      },
    ],
  });
  await fetch(`${base}/v1/quotes`, { method: 'POST', headers: auth(seller), body: quote });

  // /health every 20 ms until the plan job is done, from a thread of its own: autocannon's callbacks
  // fill this thread's loop, and a probe timed here would count their delay as the server's
  const prober = new Worker(
    `const { parentPort, workerData } = require('node:worker_threads');
     const times = [];
     const at = [];
     let errors = 0;
     let probing = true;
     (async () => {
       // a thread's first fetch loads the HTTP client (undici) and opens the connection: not the server's time
       await (await fetch(workerData + '/health')).arrayBuffer();
       parentPort.once('message', () => { probing = false; });
       parentPort.postMessage('ready');
       while (probing) {
         const t = performance.now();
         try {
           const res = await fetch(workerData + '/health');
           await res.arrayBuffer();
           if (res.status !== 200) errors++;
         } catch {
           errors++;
         }
         times.push(performance.now() - t);
         at.push(t + performance.timeOrigin);
         await new Promise((r) => setTimeout(r, 20));
       }
       parentPort.postMessage({ times, at, errors });
     })();`,
    { eval: true, workerData: base },
  );
  await new Promise((resolve) => prober.once('message', resolve));
  const probed = new Promise<{ times: number[]; at: number[]; errors: number }>((resolve) =>
    prober.once('message', resolve),
  );

  // the bench's own loop: a probe's time includes this process's delays as well as the server's
  const benchLoop = monitorEventLoopDelay({ resolution: 10 });
  benchLoop.enable();
  const planStart = performance.now();
  const planRes = await fetch(`${base}/v1/plans`, {
    method: 'POST',
    headers: auth(operator),
    body: JSON.stringify({ days: 14 }),
  });
  const planId = ((await planRes.json()) as { id: string }).id;
  const planDone = (async () => {
    for (;;) {
      const res = await fetch(`${base}/v1/plans/${planId}`, { headers: auth(operator) });
      const job = (await res.json()) as {
        status: string;
        error?: string;
        result?: { summary: { parcels: number } };
      };
      if (job.status === 'done' || job.status === 'failed')
        return { ...job, ms: performance.now() - planStart };
      await new Promise((r) => setTimeout(r, 250));
    }
  })();

  const boxes = boxSource
    .filter((p) => p.grossWeightG < 60_000)
    .slice(0, BOXES)
    .map((p, i) => ({
      id: `b${i}`,
      lengthMm: p.dimensions.lengthMm,
      widthMm: p.dimensions.widthMm,
      heightMm: p.dimensions.heightMm,
      weightG: p.grossWeightG,
    }));
  const loadStart = performance.now();
  const loadDone = fetch(`${base}/v1/load-plans`, {
    method: 'POST',
    headers: auth(operator),
    body: JSON.stringify({ containerType: '45G1', boxes, options: { timeLimitMs: 10_000, multi: true } }),
  }).then(async (r) => ({
    status: r.status,
    body: (await r.json()) as { containers?: number },
    ms: performance.now() - loadStart,
  }));

  let order = 0;
  const importBody = () =>
    JSON.stringify({
      parcels: Array.from({ length: 10 }, () => {
        const p = parcels[order % parcels.length]!;
        return { ...p, externalOrderId: `BENCH-${++order}` };
      }).map(({ sellerId: _s, ...p }) => p),
    });
  const pick = () => readIds[Math.floor(Math.random() * readIds.length)]!;
  const routes: { name: string; connections: number; request: autocannon.Request }[] = [
    {
      name: 'POST /v1/quotes',
      connections: 4,
      request: { method: 'POST', path: '/v1/quotes', headers: auth(seller), body: quote },
    },
    {
      name: 'POST /v1/landed-cost',
      connections: 2,
      request: { method: 'POST', path: '/v1/landed-cost', headers: auth(seller), body: landed },
    },
    {
      name: 'POST /v1/parcels (10)',
      connections: 1,
      request: {
        method: 'POST',
        path: '/v1/parcels',
        headers: auth(seller),
        setupRequest: (r) => ({ ...r, body: importBody() }),
      },
    },
    {
      name: 'GET /v1/parcels/{id}',
      connections: 2,
      request: {
        method: 'GET',
        path: '/v1/parcels/x',
        headers: auth(operator),
        setupRequest: (r) => ({ ...r, path: `/v1/parcels/${pick()}` }),
      },
    },
    {
      name: 'GET /v1/parcels/{id}/journey',
      connections: 2,
      request: {
        method: 'GET',
        path: '/v1/parcels/x/journey',
        headers: auth(operator),
        setupRequest: (r) => ({ ...r, path: `/v1/parcels/${pick()}/journey` }),
      },
    },
    {
      name: 'GET /v1/parcels?limit=50',
      connections: 1,
      request: { method: 'GET', path: '/v1/parcels?limit=50', headers: auth(seller) },
    },
  ];
  const allConnections = routes.reduce((a, r) => a + r.connections, 0);
  // The load generator (autocannon, this thread) stands for clients on other machines. Here it shares
  // the server's two cores, and at the same priority it takes the CPU a remote client would not: it
  // runs at nice CLIENT_NICE (10; `--client-nice 0` to compare). The prober's thread, made before,
  // keeps the usual priority, as does the server (a process of its own).
  if (CLIENT_NICE > 0) setPriority(0, Math.max(getPriority(0), CLIENT_NICE));
  const results = await Promise.all(
    routes.map((r) =>
      RATE > 0
        ? pacedRoute(base, r.request, r.connections, (RATE * r.connections) / allConnections, SECONDS)
        : autocannon({ url: base, connections: r.connections, duration: SECONDS, requests: [r.request] }),
    ),
  );
  const loadAfterTraffic = load();
  const loadPlan = await loadDone;
  const plan = await planDone;
  prober.postMessage('stop');
  const { times: health, at: healthAt, errors: healthErrors } = await probed;
  await prober.terminate();

  console.log(
    `\nmixed traffic for ${SECONDS} s, ${RATE > 0 ? `${RATE} requests/s asked` : 'at saturation (each connection sends again once answered)'} (load average after: ${loadAfterTraffic})`,
  );
  console.log(
    `${'route'.padEnd(32)} ${'req/s'.padStart(8)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'non-2xx'.padStart(8)} ${'errors'.padStart(7)}`,
  );
  let total = 0;
  for (const [i, r] of results.entries()) {
    total += r.requests.average;
    console.log(
      `${routes[i]!.name.padEnd(32)} ${r.requests.average.toFixed(0).padStart(8)} ${r.latency.p50.toFixed(0).padStart(8)} ${r.latency.p99.toFixed(0).padStart(8)} ${String(r.non2xx).padStart(8)} ${String(r.errors + r.timeouts).padStart(7)}`,
    );
  }
  console.log(`${'all routes'.padEnd(32)} ${total.toFixed(0).padStart(8)}`);
  const late = results.reduce((a, r) => a + ('late' in r ? r.late : 0), 0);
  if (RATE > 0)
    console.log(`requests sent after their scheduled time (the previous answer came late): ${late}`);
  console.log(
    `/health: ${health.length} probes, p50 ${pct(health, 0.5).toFixed(1)} ms, p99 ${pct(health, 0.99).toFixed(1)} ms, max ${Math.max(...health).toFixed(1)} ms, errors ${healthErrors} (target p99 ≤ 50 ms, no errors)`,
  );
  const slowest = health
    .map((ms, i) => ({ ms, s: (healthAt[i]! - performance.timeOrigin - planStart) / 1000 }))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, 8);
  console.log(
    `/health slowest probes (the plan was posted ${((planStart - serverStart) / 1000).toFixed(1)} s after the server started; ms at s after the plan's POST): ${slowest.map((p) => `${p.ms.toFixed(0)} at ${p.s.toFixed(1)}`).join(', ')}`,
  );
  console.log(
    `bench process's own event loop delay: p99 ${(benchLoop.percentile(99) / 1e6).toFixed(1)} ms, max ${(benchLoop.max / 1e6).toFixed(1)} ms`,
  );
  console.log(
    `load plan (${boxes.length} boxes, limit 10 s, multi): ${loadPlan.status}, ${loadPlan.body.containers ?? '?'} containers, ${(loadPlan.ms / 1000).toFixed(1)} s`,
  );
  console.log(
    `plan job (${imported.imported.toLocaleString('en')} parcels, 14 days): ${plan.status}${plan.error ? ` (${plan.error})` : ''}, ${plan.result?.summary.parcels ?? '?'} parcels planned, ${(plan.ms / 1000).toFixed(1)} s from POST to the stored document (target ≤ 15 s)`,
  );
  console.log(`load average at the end: ${load()}`);
} finally {
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
  rmSync(dir, { recursive: true, force: true });
}
