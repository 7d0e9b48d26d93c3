import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { closeSparePlanWorker, keepSparePlanWorker } from '../jobs/plan-worker-spare.ts';
import { TaskPool } from './task-pool.ts';
import {
  apiNice,
  BACKGROUND_NICE,
  backgroundNice,
  lowerThreadPriority,
  POOL_NICE,
  poolNice,
  setThreadPriority,
  threadId,
} from './thread-priority.ts';

/** Nice value of each thread of this process, by thread id (Linux: field 19 of /proc/self/task/N/stat). */
function threadNices(): Map<number, number> {
  const out = new Map<number, number>();
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(Number(tid), Number(fields[16]));
    } catch {
      // the thread ended meanwhile
    }
  }
  return out;
}

const linux = process.platform === 'linux';

describe('thread priority', () => {
  it('reads the nice value from the environment, 0–19, else the default', () => {
    expect(backgroundNice({})).toBe(BACKGROUND_NICE);
    expect(BACKGROUND_NICE).toBe(15);
    expect(POOL_NICE).toBe(10);
    expect(backgroundNice({ LANDBRIDGE_BACKGROUND_NICE: '0' })).toBe(0);
    expect(backgroundNice({ LANDBRIDGE_BACKGROUND_NICE: '19' })).toBe(19);
    expect(backgroundNice({ LANDBRIDGE_BACKGROUND_NICE: '20' })).toBe(BACKGROUND_NICE);
    expect(backgroundNice({ LANDBRIDGE_BACKGROUND_NICE: '-5' })).toBe(BACKGROUND_NICE);
    expect(lowerThreadPriority(0)).toBe(false);
    expect(poolNice({})).toBe(POOL_NICE);
    expect(POOL_NICE).toBeLessThan(backgroundNice({}));
    expect(poolNice({ LANDBRIDGE_POOL_NICE: '0' })).toBe(0);
    expect(poolNice({ LANDBRIDGE_POOL_NICE: '25' })).toBe(POOL_NICE);
    expect(apiNice({})).toBeUndefined();
    expect(apiNice({ LANDBRIDGE_API_NICE: '-10' })).toBe(-10);
    expect(apiNice({ LANDBRIDGE_API_NICE: '-21' })).toBeUndefined();
    expect(apiNice({ LANDBRIDGE_API_NICE: 'high' })).toBeUndefined();
    expect(setThreadPriority).toBeTypeOf('function');
  });

  it.skipIf(!linux)(
    'runs a task pool’s threads at its nice value while this thread keeps its own',
    async () => {
      const before = new Set(threadNices().keys());
      const mainNice = threadNices().get(process.pid);
      const pool = new TaskPool({ size: 2, nice: 7 });
      try {
        pool.warm();
        await vi.waitFor(
          () => {
            const fresh = [...threadNices()].filter(([tid]) => !before.has(tid));
            expect(fresh.filter(([, nice]) => nice === 7).length).toBe(2);
          },
          { timeout: 20_000, interval: 100 },
        );
        expect(threadNices().get(process.pid)).toBe(mainNice);
      } finally {
        await pool.close();
      }
    },
    30_000,
  );

  it.skipIf(!linux)(
    'runs a plan worker and its helpers at that value while this thread keeps its own',
    async () => {
      expect(threadId()).toBe(process.pid);
      const before = new Set(threadNices().keys());
      const mainNice = threadNices().get(process.pid);
      keepSparePlanWorker({});
      try {
        // the spare plan worker lowers itself as it starts; the helper threads it starts inherit it
        await vi.waitFor(
          () => {
            const fresh = [...threadNices()].filter(([tid]) => !before.has(tid));
            expect(fresh.filter(([, nice]) => nice === backgroundNice()).length).toBeGreaterThanOrEqual(2);
          },
          { timeout: 20_000, interval: 100 },
        );
        expect(threadNices().get(process.pid)).toBe(mainNice);
      } finally {
        await closeSparePlanWorker();
      }
    },
    30_000,
  );
});
