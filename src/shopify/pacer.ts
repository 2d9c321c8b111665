/**
 * Cooperative yielding for one incoming request. When a large batch's Shopify answers arrive, graphql-js completes
 * every profile's fields (orders, line items) in one synchronous stretch: for 1000 full cards that is hundreds of
 * milliseconds in which no other request, nor /healthz, is served. A request's loaders hand their answers out
 * through a pacer instead.
 *
 * While the current slice of work is younger than `sliceMs` and nobody waits, an answer passes at once. After that,
 * answers queue (first come, first served) and are released a few per event-loop turn, from a setImmediate callback,
 * so I/O — other requests, /healthz — is served between turns. How many go per turn adapts to what the previous
 * turn's answers cost: resolving them all in one callback would only move the whole stretch one turn later.
 */
export class Pacer {
  private sliceStart = performance.now();
  private readonly waiting: Array<() => void> = [];
  private scheduled = false;
  /** answers released per turn; adapted so that a turn's work stays near `sliceMs` */
  private perTurn = 16;
  private lastTurn: { at: number; released: number } | null = null;

  constructor(private readonly sliceMs = 15) {}

  /** Resolves at once within a young slice with nobody waiting; otherwise in a later event-loop turn, in order. */
  pace(): Promise<void> | void {
    if (this.waiting.length === 0 && performance.now() - this.sliceStart < this.sliceMs) return;
    return new Promise<void>((resolve) => {
      this.waiting.push(resolve);
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.turn());
  }

  private turn(): void {
    this.scheduled = false;
    const now = performance.now();
    if (this.lastTurn && this.lastTurn.released > 0) {
      // The time since the last release includes what those answers' continuations did (and any I/O served in
      // between, which only makes the estimate cautious).
      const perAnswer = Math.max(0.01, (now - this.lastTurn.at) / this.lastTurn.released);
      this.perTurn = Math.min(1_000, Math.max(1, Math.floor(this.sliceMs / perAnswer)));
    }
    const released = this.waiting.splice(0, this.perTurn);
    this.sliceStart = now;
    this.lastTurn = { at: now, released: released.length };
    for (const resolve of released) resolve();
    if (this.waiting.length > 0) this.schedule();
    else this.lastTurn = null;
  }
}
