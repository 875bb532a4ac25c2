/**
 * Group commit: callers submit one item each; one statement writes all the items that arrived while
 * the previous statement was in flight. An item alone goes at once (no added latency when idle); under
 * load a statement carries what queued behind it, so a province writes once per batch, not once per
 * exchange (a round trip to PostgreSQL, or a statement in PGlite, costs far more than a row).
 *
 * `run` gets the items in submission order and returns one result per item, in the same order. If it
 * throws, every item of that batch is rejected with the error (a statement is all or nothing); the
 * next batch runs as usual.
 */
export class GroupCommit<I, O> {
  private queue: { item: I; resolve: (o: O) => void; reject: (e: unknown) => void }[] = [];
  private running = 0;

  constructor(
    private readonly run: (items: I[]) => Promise<O[]>,
    private readonly opts: {
      /** the most items one statement carries */
      maxBatch?: number;
      /** statements in flight at once (a pool of connections can take more than one) */
      concurrency?: number;
    } = {},
  ) {}

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (this.running < (this.opts.concurrency ?? 1)) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.running++;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.opts.maxBatch ?? 256);
        try {
          const out = await this.run(batch.map((b) => b.item));
          if (out.length !== batch.length) {
            throw new Error(`group commit: ${out.length} results for ${batch.length} items`);
          }
          batch.forEach((b, i) => {
            b.resolve(out[i] as O);
          });
        } catch (err) {
          for (const b of batch) b.reject(err);
        }
      }
    } finally {
      this.running--;
    }
  }
}
