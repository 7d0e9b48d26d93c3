/** A task pool worker: runs the tasks of `tasks.ts` one at a time, keeping the contexts it was sent. */
import { parentPort, workerData } from 'node:worker_threads';
import { LandbridgeError } from '../domain/index.ts';
import { type TaskReply, WORKER_CONTEXTS } from './task-pool.ts';
import { runTask, type TaskName } from './tasks.ts';
import { lowerThreadPriority } from './thread-priority.ts';

lowerThreadPriority((workerData as { nice?: number } | null)?.nice ?? 0);

const contexts = new Map<string, unknown>();

const port = parentPort;
if (port) {
  port.on(
    'message',
    async (m: { id: number; name: TaskName; input: unknown; contexts: [string, unknown][] }) => {
      for (const [k, v] of m.contexts) {
        contexts.set(k, v);
        if (contexts.size > WORKER_CONTEXTS) contexts.delete(contexts.keys().next().value!);
      }
      let reply: TaskReply;
      const transfer: ArrayBuffer[] = [];
      try {
        const output = await runTask(m.name, m.input, (key) => contexts.get(key));
        if (output instanceof Uint8Array && output.byteOffset === 0 && output.buffer instanceof ArrayBuffer)
          transfer.push(output.buffer);
        reply = { id: m.id, ok: true, output };
      } catch (e) {
        reply =
          e instanceof LandbridgeError
            ? { id: m.id, ok: false, error: { message: e.message, code: e.code, problems: e.problems } }
            : { id: m.id, ok: false, error: { message: (e as Error).message ?? String(e) } };
      }
      port.postMessage(reply, transfer);
    },
  );
  port.postMessage({ ready: true });
}
