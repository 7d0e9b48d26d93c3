/**
 * `landbridge serve` sets its threads' priorities: the API's thread at `LANDBRIDGE_API_NICE`, the task
 * pools' threads at `LANDBRIDGE_POOL_NICE`, so that on a busy machine the thread every request passes
 * through wins the CPU first (bench:api: /health p99 at saturation 64 ms with every thread at 0,
 * 51–61 ms with the pools at 4, 44–47 ms at 10).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { freePort } from './fixtures/free-port.ts';

const BIN = new URL('../bin/landbridge.js', import.meta.url).pathname;

/** Nice value of each thread of process `pid`, by thread id (field 19 of /proc/PID/task/TID/stat). */
function threadNices(pid: number): Map<number, number> {
  const out = new Map<number, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      out.set(Number(tid), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]));
    } catch {
      // the thread ended meanwhile
    }
  }
  return out;
}

describe.skipIf(process.platform !== 'linux')('the server’s thread priorities', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lb-serve-nice-'));
  let server: ChildProcess | undefined;
  afterAll(async () => {
    if (server && server.exitCode === null) {
      const gone = new Promise((r) => server!.once('exit', r));
      server.kill('SIGTERM');
      await gone;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs the API’s thread at LANDBRIDGE_API_NICE and the pools’ threads at LANDBRIDGE_POOL_NICE', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [BIN, 'serve', '--quiet'], {
      env: {
        ...process.env,
        DATABASE_URL: `sqlite:${join(dir, 'nice.db')}`,
        PORT: String(port),
        HOST: '127.0.0.1',
        LANDBRIDGE_API_NICE: '2',
        LANDBRIDGE_POOL_NICE: '6',
      },
    });
    server = child;
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (out += d));
    await vi.waitFor(() => expect(out).toContain('Landbridge API on'), { timeout: 90_000, interval: 100 });
    const pid = child.pid!;
    expect(threadNices(pid).get(pid)).toBe(2);
    // the quotes' pool (one thread a core, at most 8) and the long requests' first thread, warmed at start
    await vi.waitFor(
      () => expect([...threadNices(pid).values()].filter((n) => n === 6).length).toBeGreaterThanOrEqual(2),
      { timeout: 30_000, interval: 100 },
    );
    expect(out).not.toContain('refused');
  }, 120_000);
});
