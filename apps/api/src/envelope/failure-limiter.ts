/**
 * Counts undecryptable envelopes per key (partner uid and client address) over a sliding minute. Past the limit the partner is told to
 * wait: guessing keys or probing the envelope (a padding oracle would need many requests) becomes slow, and a
 * misconfigured client cannot flood the logs. In memory, per process: enough for its purpose.
 */
export class FailureLimiter {
  readonly #failures = new Map<string, number[]>();

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  isLimited(key: string): boolean {
    return this.#recent(key).length >= this.perMinute;
  }

  recordFailure(key: string): void {
    const recent = this.#recent(key);
    recent.push(this.now());
    this.#failures.set(key, recent);
    // Bounded memory whatever the traffic: forget everyone when too many distinct keys pile up.
    if (this.#failures.size > 50_000) this.#failures.clear();
  }

  #recent(key: string): number[] {
    const since = this.now() - 60_000;
    return (this.#failures.get(key) ?? []).filter((t) => t > since);
  }
}
