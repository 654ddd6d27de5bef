/**
 * Tracks writes in flight so `X-Experience-API-Consistent-Through` is truthful: every statement stored at
 * or before the instant it returns is visible to queries. A write takes its `stored` time when it starts;
 * until it commits, the consistent-through instant stays just before it.
 *
 * With several server processes each only knows its own writes; `marginMs` covers the others' (their
 * writes commit within that time of their `stored` instant in any healthy deployment).
 */
export class ConsistencyTracker {
  private readonly inFlight = new Map<number, number>(); // write id -> stored ms
  private next = 0;

  constructor(private readonly marginMs = 0) {}

  /** Registers a write stored at `storedMs`; call the returned function once it has committed or failed. */
  begin(storedMs: number): () => void {
    const id = this.next++;
    this.inFlight.set(id, storedMs);
    return () => this.inFlight.delete(id);
  }

  /** The instant through which every stored statement is queryable. */
  consistentThrough(now = Date.now()): Date {
    let earliest = now - this.marginMs;
    for (const ms of this.inFlight.values()) earliest = Math.min(earliest, ms - 1);
    return new Date(earliest);
  }
}
