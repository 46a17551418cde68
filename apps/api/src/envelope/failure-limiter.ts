import { BoundedMap } from '@tixclear/domain';

/** Distinct (partner uid, address) pairs remembered; each entry is a key under 100 bytes and ≤ perMinute times. */
const MAX_KEYS = 50_000;

/**
 * Counts unreadable envelopes per key (partner uid and client address, common/client-address.ts: behind a
 * TRUST_PROXY proxy the client it forwarded, so partners sharing a proxy count apart) over a sliding minute.
 * Past the limit further unreadable envelopes are answered `429`: guessing keys or probing the envelope becomes
 * slow, and a misconfigured client cannot flood the logs. Readable envelopes are never counted nor refused here (the
 * caller opens the envelope first). In memory, per process: enough for its purpose.
 */
export class FailureLimiter {
  readonly #failures = new BoundedMap<string, number[]>(MAX_KEYS);

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  isLimited(key: string): boolean {
    return this.#recent(key).length >= this.perMinute;
  }

  recordFailure(key: string): void {
    const recent = this.#recent(key);
    // Only what the limit needs is kept: at most perMinute instants per key.
    recent.push(this.now());
    this.#failures.set(key, recent.slice(-this.perMinute));
  }

  #recent(key: string): number[] {
    const since = this.now() - 60_000;
    return (this.#failures.get(key) ?? []).filter((t) => t > since);
  }
}
