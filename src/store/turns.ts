/** How long a bulk loop runs before it gives the event loop a turn (other requests, /health). */
export const SLICE_MS = 25;

/**
 * Gives the event loop a turn whenever {@link SLICE_MS} have passed since the last one: a bulk loop
 * (10,000 parcels of an import, their rows) calls `await turns.take()` per item and so never holds the
 * loop for more than a slice. Inside a store transaction the connection stays held meanwhile (other
 * queries wait for it), so the batch is still written all or nothing.
 */
export class Turns {
  #since = performance.now();

  constructor(private readonly sliceMs = SLICE_MS) {}

  /** Whether a turn is due; cheap enough to ask per item. */
  get due(): boolean {
    return performance.now() - this.#since >= this.sliceMs;
  }

  /** Yields to the event loop when a turn is due. */
  async take(): Promise<void> {
    if (!this.due) return;
    await new Promise((resolve) => setImmediate(resolve));
    this.#since = performance.now();
  }
}
