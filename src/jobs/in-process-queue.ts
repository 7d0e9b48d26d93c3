import { randomUUID } from 'node:crypto';
import {
  checkJobName,
  type JobContext,
  type JobDefinition,
  type JobQueue,
  periodicSends,
  type SendOptions,
  workerIdOfProcess,
} from './queue.ts';

interface Waiting {
  readonly id: string;
  readonly name: string;
  readonly data: unknown;
  readonly key: string | undefined;
  attempt: number;
  notBeforeMs: number;
}

/**
 * The job queue of one process (SQLite, `npm start`): jobs wait in memory and run here, with the same
 * retries, back-off, keys and abort signal as on pg-boss. Jobs that must survive a restart keep their
 * state in the store (plan jobs: the `plans` table) and are sent again at start.
 */
export class InProcessQueue implements JobQueue {
  readonly engine = 'in-process' as const;
  readonly #definitions = new Map<string, JobDefinition<unknown>>();
  readonly #waiting: Waiting[] = [];
  readonly #running = new Map<string, { job: Waiting; controller: AbortController; done: Promise<void> }>();
  readonly #ids = new Set<string>();
  readonly #timers = new Set<NodeJS.Timeout>();
  #working = false;
  #stopped = false;
  readonly #workerId = workerIdOfProcess();

  define<T>(definition: JobDefinition<T>): void {
    checkJobName(definition.name);
    this.#definitions.set(definition.name, definition as JobDefinition<unknown>);
  }

  async send<T>(name: string, data: T, options: SendOptions = {}): Promise<string | undefined> {
    if (!this.#definitions.has(name)) throw new Error(`no job ${name} is defined`);
    if (options.id !== undefined && this.#ids.has(options.id)) return undefined;
    if (
      options.key !== undefined &&
      this.#waiting.some((w) => w.name === name && w.key === options.key && w.attempt === 0)
    )
      return undefined;
    const id = options.id ?? randomUUID();
    this.#ids.add(id);
    this.#waiting.push({
      id,
      name,
      data,
      key: options.key,
      attempt: 0,
      notBeforeMs: Date.now() + (options.delayMs ?? 0),
    });
    this.#pump();
    return id;
  }

  async start(options: { readonly work?: boolean } = {}): Promise<void> {
    if (!options.work) return;
    this.#working = true;
    for (const d of this.#definitions.values()) {
      if (d.everyMs === undefined) continue;
      const every = d.everyMs;
      const tick = async () => {
        if (this.#stopped) return;
        try {
          for (const s of await periodicSends(d)) await this.send(d.name, s.data, { key: s.key });
        } catch {
          // A tick that cannot say what to send sends nothing; the next one tries again.
        }
        this.#later(() => void tick(), every);
      };
      void tick();
    }
    this.#pump();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    for (const r of this.#running.values()) r.controller.abort(new Error('the worker is stopping'));
    await Promise.all([...this.#running.values()].map((r) => r.done));
  }

  /** Waits until no job waits or runs (tests, CLI). */
  async idle(): Promise<void> {
    while (this.#waiting.length > 0 || this.#running.size > 0) {
      await Promise.all([...this.#running.values()].map((r) => r.done));
      if (this.#running.size === 0 && this.#waiting.length > 0) {
        const next = Math.min(...this.#waiting.map((w) => w.notBeforeMs)) - Date.now();
        await new Promise((r) => setTimeout(r, Math.max(1, Math.min(next, 50))));
        this.#pump();
      }
    }
  }

  #later(fn: () => void, ms: number): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      fn();
    }, ms);
    timer.unref();
    this.#timers.add(timer);
  }

  #pump(): void {
    if (!this.#working || this.#stopped) return;
    const now = Date.now();
    let soonest = Number.POSITIVE_INFINITY;
    for (let i = 0; i < this.#waiting.length; ) {
      const w = this.#waiting[i]!;
      const d = this.#definitions.get(w.name)!;
      const busy = [...this.#running.values()].filter((r) => r.job.name === w.name);
      const keyBusy = w.key !== undefined && busy.some((r) => r.job.key === w.key);
      if (w.notBeforeMs > now) soonest = Math.min(soonest, w.notBeforeMs);
      if (w.notBeforeMs > now || keyBusy || busy.length >= (d.concurrency ?? 1)) {
        i++;
        continue;
      }
      this.#waiting.splice(i, 1);
      this.#run(w, d);
    }
    if (soonest !== Number.POSITIVE_INFINITY) this.#later(() => this.#pump(), soonest - now);
  }

  #run(w: Waiting, d: JobDefinition<unknown>): void {
    const controller = new AbortController();
    const ctx: JobContext = {
      id: w.id,
      name: w.name,
      attempt: w.attempt,
      signal: controller.signal,
      workerId: this.#workerId,
    };
    const done = (async () => {
      try {
        await d.run(w.data, ctx);
        this.#ids.delete(w.id);
      } catch (e) {
        if (this.#stopped) {
          this.#ids.delete(w.id);
          return;
        }
        if (w.attempt >= (d.retryLimit ?? 5)) {
          this.#ids.delete(w.id);
          await d.onGiveUp?.(w.data, (e as Error)?.message ?? String(e)).catch(() => {});
          return;
        }
        const delayMs = (d.retryDelaySeconds ?? 2) * 1000 * 2 ** w.attempt;
        this.#waiting.push({ ...w, attempt: w.attempt + 1, notBeforeMs: Date.now() + delayMs });
      } finally {
        this.#running.delete(w.id);
        this.#pump();
      }
    })();
    this.#running.set(w.id, { job: w, controller, done });
  }
}
