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
export const BACKGROUND_NICE = 15;

/** The nice value a variable of `env` names, whole and within `least`–19; undefined otherwise. */
function niceOf(env: NodeJS.ProcessEnv, name: string, least: number): number | undefined {
  const v = env[name];
  if (v === undefined || !/^-?\d{1,2}$/.test(v)) return undefined;
  const n = Number(v);
  return n >= least && n <= 19 ? n : undefined;
}

/** `LANDBRIDGE_BACKGROUND_NICE` (0–19) or {@link BACKGROUND_NICE}. */
export function backgroundNice(env: NodeJS.ProcessEnv = process.env): number {
  return niceOf(env, 'LANDBRIDGE_BACKGROUND_NICE', 0) ?? BACKGROUND_NICE;
}

/**
 * The nice value of the task pools' threads (quotes, batches, statistics, load plans): between the API's
 * thread (0) and background jobs (15). A person waits for their answers, but the API's thread, which
 * every request passes through twice, must win the CPU first: on two cores at saturation with a plan job
 * and a load plan running, `/health` p99 was 51–61 ms with the pools at 4 and 44–47 ms at 10
 * (`bench:api`, 2026-12-08). Against jobs at 15 a pool thread still has three times their share, so a
 * load plan's check and answer after its search do not starve. `LANDBRIDGE_POOL_NICE` (0–19) says
 * otherwise (0 = off).
 */
export const POOL_NICE = 10;

/** `LANDBRIDGE_POOL_NICE` (0–19) or {@link POOL_NICE}. */
export function poolNice(env: NodeJS.ProcessEnv = process.env): number {
  return niceOf(env, 'LANDBRIDGE_POOL_NICE', 0) ?? POOL_NICE;
}

/**
 * `LANDBRIDGE_API_NICE` (-20–19), the nice value the API's thread asks for at start; undefined when
 * unset or malformed. A negative value needs the privilege to raise a priority (root, or
 * CAP_SYS_NICE, as systemd's `Nice=` or `AmbientCapabilities=CAP_SYS_NICE` grant).
 */
export function apiNice(env: NodeJS.ProcessEnv = process.env): number | undefined {
  return niceOf(env, 'LANDBRIDGE_API_NICE', -20);
}

/**
 * Gives the calling thread the nice value `nice` (-20–19), raising or lowering it. True when it was
 * set; false where threads have no priority of their own or the system refused (a negative value
 * without the privilege). Threads this thread starts afterwards begin at the same value.
 */
export function setThreadPriority(nice: number): boolean {
  const tid = threadId();
  if (tid === undefined) return false;
  try {
    setPriority(tid, Math.max(-20, Math.min(19, Math.round(nice))));
    return true;
  } catch {
    return false;
  }
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
  return nice > 0 && setThreadPriority(nice);
}
