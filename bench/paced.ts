/**
 * Paced traffic for `bench:api --rate R`: each connection sends on a fixed schedule (interval =
 * connections / rate, a random first offset), one request in flight at a time, and each latency is
 * counted from the request's scheduled time, not its send (wrk2's correction of coordinated omission:
 * a server that falls behind is charged for the requests it delayed). autocannon's own `overallRate`
 * sends each second's quota at the top of the second, so its latencies measure its bursts.
 */
import { Agent, request as httpRequest } from 'node:http';
import type autocannon from 'autocannon';

export interface PacedResult {
  readonly requests: { readonly average: number };
  readonly latency: { readonly p50: number; readonly p99: number };
  readonly non2xx: number;
  readonly errors: number;
  readonly timeouts: number;
  /** Requests sent later than scheduled because the previous answer came late. */
  readonly late: number;
}

const percentile = (sorted: readonly number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? Number.NaN;

/** Drives one route at `rate` requests a second over `connections` keep-alive connections for `seconds`. */
export async function pacedRoute(
  base: string,
  route: autocannon.Request,
  connections: number,
  rate: number,
  seconds: number,
): Promise<PacedResult> {
  const target = new URL(base);
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const intervalMs = (connections * 1000) / rate;
  const start = performance.now();
  const end = start + seconds * 1000;
  const latencies: number[] = [];
  let non2xx = 0;
  let errors = 0;
  let late = 0;
  const send = (req: autocannon.Request) =>
    new Promise<number>((resolve) => {
      const r = httpRequest(
        {
          agent,
          host: target.hostname,
          port: target.port,
          method: req.method ?? 'GET',
          path: req.path ?? '/',
          headers: req.headers,
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
          res.on('error', () => resolve(0));
        },
      );
      r.on('error', () => resolve(0));
      r.end(req.body === undefined ? undefined : String(req.body));
    });
  const connection = async () => {
    let scheduled = start + Math.random() * intervalMs;
    while (scheduled < end) {
      const wait = scheduled - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      else late++;
      const req = typeof route.setupRequest === 'function' ? route.setupRequest({ ...route }, {}) : route;
      const status = await send(req);
      latencies.push(performance.now() - scheduled);
      if (status === 0) errors++;
      else if (status < 200 || status >= 300) non2xx++;
      scheduled += intervalMs;
    }
  };
  await Promise.all(Array.from({ length: connections }, connection));
  agent.destroy();
  const sorted = latencies.sort((a, b) => a - b);
  return {
    requests: { average: latencies.length / ((performance.now() - start) / 1000) },
    latency: { p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99) },
    non2xx,
    errors,
    timeouts: 0,
    late,
  };
}
