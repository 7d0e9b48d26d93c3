import { afterAll, describe, expect, it } from 'vitest';
import { LandbridgeError } from '../domain/index.ts';
import { TaskPool, TaskTimeoutError } from './index.ts';

describe('TaskPool', () => {
  const pool = new TaskPool({ size: 2, maxQueued: 3 });
  afterAll(() => pool.close());

  it('runs tasks in worker threads while the event loop stays free', async () => {
    pool.warm();
    await pool.run('spin', { ms: 1 });
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    const started = performance.now();
    const n = await pool.run('spin', { ms: 600 });
    clearInterval(timer);
    expect(n).toBeGreaterThan(0);
    expect(performance.now() - started).toBeGreaterThanOrEqual(590);
    // the loop ticked all along (a blocked loop would tick once or twice)
    expect(ticks).toBeGreaterThan(15);
  });

  it('terminates a task past its time limit, answers 503-style, and keeps working with a fresh worker', async () => {
    const started = performance.now();
    const err = await pool.run('spin', { ms: 60_000 }, { timeoutMs: 300 }).catch((e) => e);
    expect(err).toBeInstanceOf(TaskTimeoutError);
    expect((err as LandbridgeError).code).toBe('unavailable');
    expect((err as LandbridgeError).retryAfterSeconds).toBeGreaterThan(0);
    expect(performance.now() - started).toBeLessThan(3_000);
    expect(pool.stats.timedOut).toBe(1);
    expect(await pool.run('spin', { ms: 5 })).toBeGreaterThan(0);
  });

  it('sends a context once per worker and hands back errors with their code and problems', async () => {
    let sent = 0;
    const context = {
      key: 'ctx-1',
      value: () => {
        sent++;
        return { hello: 'world' };
      },
    };
    for (let i = 0; i < 6; i++)
      expect(await pool.run('read-context', { key: 'ctx-1' }, { context })).toEqual({ hello: 'world' });
    expect(sent).toBeLessThanOrEqual(2);
    const bad = await pool.run('fail', { message: 'no such thing', landbridge: true }).catch((e) => e);
    expect(bad).toBeInstanceOf(LandbridgeError);
    expect(bad.code).toBe('invalid-input');
    expect(bad.problems).toEqual([{ where: { field: 'x' }, why: 'because' }]);
    const crash = await pool.run('fail', { message: 'boom', landbridge: false }).catch((e) => e);
    expect(crash).not.toBeInstanceOf(LandbridgeError);
    expect(crash.message).toBe('boom');
  });

  it('sends a context again once its worker has dropped it for newer ones', async () => {
    const one = new TaskPool({ size: 1 });
    try {
      const keys = Array.from({ length: 8 }, (_, i) => `many-${i}`);
      for (let round = 0; round < 2; round++)
        for (const key of keys)
          expect(
            await one.run('read-context', { key }, { context: { key, value: () => ({ key }) } }),
          ).toEqual({ key });
    } finally {
      await one.close();
    }
  });

  it('refuses work beyond its queue at once (503 with Retry-After) instead of stalling', async () => {
    // both workers loaded (the one replaced after the time-out too)
    pool.warm();
    while (pool.stats.ready < 2) await new Promise((r) => setTimeout(r, 20));
    const running = [1, 2, 3, 4, 5].map(() => pool.run('spin', { ms: 300 }).catch((e) => e));
    const refused = await pool.run('spin', { ms: 1 }).catch((e) => e);
    expect(refused).toBeInstanceOf(LandbridgeError);
    expect(refused.code).toBe('unavailable');
    expect(refused.retryAfterSeconds).toBeGreaterThan(0);
    const results = await Promise.all(running);
    expect(results.filter((r) => typeof r === 'number').length).toBe(5);
  });
});
