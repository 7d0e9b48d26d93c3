import { AsyncLocalStorage, createHook, executionAsyncResource } from 'node:async_hooks';
import { constants, monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';

/** One callback that held the event loop past the threshold. */
export interface LoopBlock {
  /** What was running: the request's method and route, or the activity a caller named, or `-`. */
  readonly activity: string;
  /** The async resource whose callback it was (`PROMISE`, `TCPWRAP`, `Timeout`, …). */
  readonly resource: string;
  readonly ms: number;
}

/** A diagnostic of the event loop: long callbacks as they happen and a summary at the end. */
export interface LoopMonitor {
  /** Runs `fn` (and everything it starts asynchronously) under the activity name `name`. */
  run<T>(name: string, fn: () => T): T;
  /**
   * Names the activity of the current asynchronous context from here on, and of the socket's own
   * callbacks (a request's route: its body arrives in the socket's callbacks, not the request's).
   */
  enter(name: string, socket?: object): void;
  /** Stops watching; answers the summary: the loop delay's percentiles and the long callbacks by activity. */
  stop(): string;
}

const SOCKET_ACTIVITY = Symbol('loop-monitor activity');

/** The activity last named on the socket behind a handle (`TCPWRAP`'s owner), if any. */
function socketActivity(resource: object | undefined): string | undefined {
  if (!resource) return undefined;
  const owner = Object.getOwnPropertySymbols(resource).find((s) => s.description === 'owner_symbol');
  const socket = owner && (resource as Record<symbol, unknown>)[owner];
  return socket && typeof socket === 'object'
    ? ((socket as Record<symbol, unknown>)[SOCKET_ACTIVITY] as string | undefined)
    : undefined;
}

function resourceName(resource: object | undefined): string {
  if (!resource) return '?';
  if (resource instanceof Promise) return 'PROMISE';
  const type = (resource as { constructor?: { name?: string } }).constructor?.name;
  return type && type !== 'Object' ? type : '?';
}

/**
 * Watches the event loop for callbacks that hold it longer than `thresholdMs` (async_hooks `before`/
 * `after` around every callback, promise reactions included) and reports each with the activity it
 * belonged to, plus the loop delay histogram (`monitorEventLoopDelay`). A diagnostic: the hooks cost
 * some throughput, so it is on only when asked for (`LANDBRIDGE_LOOP_LOG_MS`).
 */
export function startLoopMonitor(
  thresholdMs: number,
  log: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): LoopMonitor {
  const startedMs = performance.now();
  const activity = new AsyncLocalStorage<string>();
  const starts: number[] = [];
  const blocks: LoopBlock[] = [];
  const hook = createHook({
    before() {
      starts.push(performance.now());
    },
    after() {
      const start = starts.pop();
      if (start === undefined) return;
      const ms = performance.now() - start;
      if (ms < thresholdMs) return;
      const resource = executionAsyncResource();
      const block = {
        activity: activity.getStore() ?? socketActivity(resource) ?? '-',
        resource: resourceName(resource),
        ms,
      };
      blocks.push(block);
      log(
        `loop: ${ms.toFixed(1)} ms in ${block.resource} (${block.activity}) at +${((start - startedMs) / 1000).toFixed(1)} s`,
      );
    },
  });
  // garbage collection pauses by kind (scavenges of the young generation, full mark-compacts)
  const gc = new Map<string, { count: number; totalMs: number; maxMs: number }>();
  const gcKinds: Record<number, string> = {
    [constants.NODE_PERFORMANCE_GC_MINOR]: 'scavenge',
    [constants.NODE_PERFORMANCE_GC_MAJOR]: 'mark-compact',
    [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental marking',
    [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weak callbacks',
  };
  const gcObserver = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const detail = (e as unknown as { detail?: { kind?: number } }).detail;
      const kind = gcKinds[detail?.kind ?? -1] ?? 'other';
      const g = gc.get(kind) ?? { count: 0, totalMs: 0, maxMs: 0 };
      g.count++;
      g.totalMs += e.duration;
      g.maxMs = Math.max(g.maxMs, e.duration);
      gc.set(kind, g);
    }
  });
  gcObserver.observe({ entryTypes: ['gc'] });
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  hook.enable();
  return {
    run: (name, fn) => activity.run(name, fn),
    enter: (name, socket) => {
      activity.enterWith(name);
      if (socket) (socket as Record<symbol, unknown>)[SOCKET_ACTIVITY] = name;
    },
    stop() {
      hook.disable();
      delay.disable();
      gcObserver.disconnect();
      const ms = (ns: number) => (ns / 1e6).toFixed(1);
      const byActivity = new Map<string, { count: number; totalMs: number; maxMs: number }>();
      for (const b of blocks) {
        const key = `${b.activity} [${b.resource}]`;
        const s = byActivity.get(key) ?? { count: 0, totalMs: 0, maxMs: 0 };
        s.count++;
        s.totalMs += b.ms;
        s.maxMs = Math.max(s.maxMs, b.ms);
        byActivity.set(key, s);
      }
      const lines = [
        `event loop over ${((performance.now() - startedMs) / 1000).toFixed(1)} s: delay p50 ${ms(delay.percentile(50))} ms, p99 ${ms(delay.percentile(99))} ms, max ${ms(delay.max)} ms; ${blocks.length} callbacks ≥ ${thresholdMs} ms`,
        ...[...byActivity.entries()]
          .sort((a, b) => b[1].totalMs - a[1].totalMs)
          .map(
            ([key, s]) =>
              `  ${key}: ${s.count} ×, total ${s.totalMs.toFixed(0)} ms, max ${s.maxMs.toFixed(1)} ms`,
          ),
        `garbage collection: ${[...gc.entries()].map(([kind, g]) => `${kind} ${g.count} ×, total ${g.totalMs.toFixed(0)} ms, max ${g.maxMs.toFixed(1)} ms`).join('; ')}`,
      ];
      return lines.join('\n');
    },
  };
}
