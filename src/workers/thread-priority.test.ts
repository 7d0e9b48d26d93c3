import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { TaskPool } from './index.ts';
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

  describe.skipIf(!linux)('a task pool with a nice value', () => {
    const pool = new TaskPool({ size: 1, nice: 6 });
    afterAll(() => pool.close());

    it('runs its worker threads at that value while this thread keeps its own', async () => {
      expect(threadId()).toBe(process.pid);
      const before = new Set(threadNices().keys());
      const mainNice = threadNices().get(process.pid);
      pool.warm();
      expect(await pool.run('spin', { ms: 5 })).toBeGreaterThan(0);
      const fresh = [...threadNices()].filter(([tid]) => !before.has(tid));
      // the pool's worker (and the threads it started: Node's and V8's own) run at 6
      expect(fresh.some(([, nice]) => nice === 6)).toBe(true);
      expect(threadNices().get(process.pid)).toBe(mainNice);
    });
  });
});
