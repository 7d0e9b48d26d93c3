import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { closeSparePlanWorker, keepSparePlanWorker } from '../jobs/plan-worker-spare.ts';
import { backgroundNice, lowerThreadPriority, threadId } from './thread-priority.ts';

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
  it('reads the nice value from the environment, 0–19, else 10', () => {
    expect(backgroundNice({})).toBe(10);
    expect(backgroundNice({ LANDBRIDGE_BACKGROUND_NICE: '0' })).toBe(0);
    expect(backgroundNice({ LANDBRIDGE_BACKGROUND_NICE: '19' })).toBe(19);
    expect(backgroundNice({ LANDBRIDGE_BACKGROUND_NICE: '20' })).toBe(10);
    expect(backgroundNice({ LANDBRIDGE_BACKGROUND_NICE: '-5' })).toBe(10);
    expect(lowerThreadPriority(0)).toBe(false);
  });

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
