/**
 * Scheduling priority of the calling thread, so that background computation (plan jobs and their
 * helpers) yields the CPU to the thread that answers requests. On a machine with as
 * many busy threads as cores, the API's thread otherwise waits its turn behind them: a 1 ms handler
 * then takes tens of ms of wall time, and `/health` answers late while nothing blocks its loop.
 *
 * Linux keeps a nice value per thread: `setpriority(PRIO_PROCESS, tid, n)` (Node's `os.setPriority`
 * with the thread's id) changes that thread alone. The thread's id is the last part of the link
 * `/proc/thread-self`. Elsewhere (macOS, Windows) this does nothing: their nice is per process.
 * Raising the nice value needs no privilege; lowering it again does, so a thread lowered stays low.
 */
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

/** The nice value of background threads unless `LANDBRIDGE_BACKGROUND_NICE` says otherwise (0 = off). */
export const BACKGROUND_NICE = 10;

/** `LANDBRIDGE_BACKGROUND_NICE` (0–19) or {@link BACKGROUND_NICE}. */
export function backgroundNice(env: NodeJS.ProcessEnv = process.env): number {
  const v = env.LANDBRIDGE_BACKGROUND_NICE;
  return v !== undefined && /^\d{1,2}$/.test(v) && Number(v) <= 19 ? Number(v) : BACKGROUND_NICE;
}

/** This thread's id on Linux, else undefined. */
export function threadId(): number | undefined {
  if (process.platform !== 'linux') return undefined;
  try {
    const m = /\/task\/(\d+)$/.exec(readlinkSync('/proc/thread-self'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Gives the calling thread the nice value `nice` (0–19; 0 leaves it as it is). True when it was set;
 * false where threads have no priority of their own or the system refused.
 */
export function lowerThreadPriority(nice: number): boolean {
  if (!(nice > 0)) return false;
  const tid = threadId();
  if (tid === undefined) return false;
  try {
    setPriority(tid, Math.min(19, Math.round(nice)));
    return true;
  } catch {
    return false;
  }
}
