/**
 * A Map that holds at most `maxEntries`, forgetting the least recently set entry first. With each key and value
 * of bounded size (callers say why), the memory is bounded whatever the traffic, and a flood of new keys evicts
 * only the oldest entries rather than wiping everyone's at once.
 */
export class BoundedMap<K, V> {
  readonly #entries = new Map<K, V>();

  constructor(readonly maxEntries: number) {
    if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) throw new RangeError('maxEntries must be ≥ 1');
  }

  get size(): number {
    return this.#entries.size;
  }

  get(key: K): V | undefined {
    return this.#entries.get(key);
  }

  /** Sets and marks the entry the most recent (a Map iterates in insertion order: the oldest comes first). */
  set(key: K, value: V): void {
    this.#entries.delete(key);
    this.#entries.set(key, value);
    while (this.#entries.size > this.maxEntries) {
      const oldest = this.#entries.keys().next();
      if (oldest.done) break;
      this.#entries.delete(oldest.value);
    }
  }

  delete(key: K): void {
    this.#entries.delete(key);
  }
}

/**
 * Values loaded on demand and kept `ttlMs`, in a {@link BoundedMap} of `maxEntries`: a change in the source is
 * seen within `ttlMs`, and the memory stays bounded whatever keys are asked for. Concurrent callers of a key share
 * one load; a load that fails is not kept, so the next caller tries again.
 */
export class TtlCache<K, V> {
  readonly #entries: BoundedMap<K, { value: Promise<V>; until: number }>;

  constructor(
    readonly ttlMs: number,
    maxEntries: number,
    private readonly clock: () => number = Date.now,
  ) {
    if (!(ttlMs > 0)) throw new RangeError('ttlMs must be > 0');
    this.#entries = new BoundedMap(maxEntries);
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The value kept for `key`, or what `load` gives, then kept. */
  get(key: K, load: () => Promise<V>): Promise<V> {
    const now = this.clock();
    const hit = this.#entries.get(key);
    if (hit && hit.until > now) return hit.value;
    const value = (async () => load())();
    const entry = { value, until: now + this.ttlMs };
    this.#entries.set(key, entry);
    value.catch(() => {
      if (this.#entries.get(key) === entry) this.#entries.delete(key);
    });
    return value;
  }
}
