import { splitEnvelope } from './cbc';
import { openJson, sealJson } from './envelope';
import { CryptoInputError, EnvelopeError, KeyFormatError, NoValidKeyError } from './errors';
import { keyBytes } from './key-material';
import { daysLeft, warningWindow, type WarningWindow } from './rotation';
import { isValidDate } from './time';

/** One merchant key as the gateway issues it. Valid on the half-open interval [validFrom, validUntil). */
export interface MerchantKey {
  id: string;
  secret: string;
  validFrom: Date;
  validUntil: Date;
}

export interface ExpiryWarning {
  keyId: string;
  validUntil: Date;
  /** Whole days left, rounded up (1 in the last 24 hours). */
  daysLeft: number;
  /** The smallest window the key is in. */
  window: WarningWindow;
  /** Whether another key takes over without a gap. Always true for 60/30/20 (otherwise no warning). */
  hasSuccessor: boolean;
}

interface Entry {
  readonly id: string;
  readonly secretText: string;
  readonly secret: Buffer;
  readonly from: number;
  readonly until: number;
}

/**
 * The keys of one merchant. The gateway issues a new key 7 days before the current one expires and both work
 * until the old one does, so a server must accept either during the overlap: it tries the keys valid at the
 * moment of the request, newest first, and encrypts with the newest.
 *
 * Immutable and deterministic: keys are copied and checked at construction, every query takes the moment
 * explicitly (no clock inside), and returned keys are fresh copies.
 */
export class KeyRing {
  /** Newest first: later validFrom, then later validUntil, then id, so the order never depends on input order. */
  readonly #entries: readonly Entry[];

  constructor(keys: Iterable<MerchantKey>) {
    const entries: Entry[] = [];
    const ids = new Set<string>();
    for (const key of keys) {
      const entry = toEntry(key);
      if (ids.has(entry.id)) throw new KeyFormatError('Two keys share one id.', 'id', entry.id);
      ids.add(entry.id);
      entries.push(entry);
    }
    this.#entries = entries.sort(newestFirst);
  }

  /** The keys valid at `at`, newest validFrom first. */
  validKeys(at: Date): MerchantKey[] {
    return this.#validAt(instant(at)).map(toMerchantKey);
  }

  /** The key to encrypt with at `at`: the newest valid one. Throws NoValidKeyError if there is none. */
  encryptionKey(at: Date): MerchantKey {
    return toMerchantKey(this.#newestAt(at));
  }

  /** Encrypts the JSON of `value` with the encryption key at `at` (random IV). */
  encryptJson(value: unknown, at: Date): string {
    return sealJson(value, this.#newestAt(at).secret);
  }

  /**
   * Opens an envelope with whichever key valid at `at` opens it, preferring the newest, and says which one did
   * (a merchant still on its old key near expiry is worth knowing about). NoValidKeyError when no key is valid
   * at all (a configuration state, whatever the envelope); otherwise EnvelopeError if no key opens it.
   *
   * Every valid key is tried even after one succeeds: the work then does not depend on which key, or which
   * check, failed. With one or two keys valid at any moment the cost is negligible.
   */
  decryptJson(envelope: string, at: Date): { value: unknown; keyId: string } {
    const candidates = this.#validAt(instant(at));
    if (candidates.length === 0) throw new NoValidKeyError(at);
    const parts = splitEnvelope(envelope);
    const attempts =
      parts === undefined
        ? []
        : candidates.map((entry) => ({ entry, opened: openJson(parts, entry.secret) }));
    const first = attempts.find((attempt) => attempt.opened !== undefined);
    if (first?.opened === undefined) throw new EnvelopeError();
    return { value: first.opened.value, keyId: first.entry.id };
  }

  /**
   * Keys valid at `at` that are close to expiry, most urgent first. A key is warned about in the smallest of
   * the 60/30/20/7-day windows it has entered (window W opens W × 24 h before validUntil; daysLeft is rounded
   * up, so daysLeft <= W). In the 60, 30 and 20-day windows only while it has no successor: once another key
   * takes over without a gap there is nothing to chase. In the 7-day window always: the key dies within the
   * week and callers still using it must move (hasSuccessor tells routine overlap from emergency). Expired keys
   * and keys not yet valid are not reported.
   */
  expiryWarnings(at: Date): ExpiryWarning[] {
    const now = instant(at);
    const warnings: ExpiryWarning[] = [];
    for (const entry of this.#validAt(now)) {
      const days = daysLeft(now, entry.until);
      const window = warningWindow(days);
      if (window === undefined) continue;
      const hasSuccessor = this.#hasSuccessor(entry);
      if (hasSuccessor && window !== 7) continue;
      warnings.push({
        keyId: entry.id,
        validUntil: new Date(entry.until),
        daysLeft: days,
        window,
        hasSuccessor,
      });
    }
    return warnings.sort(
      (a, b) => a.validUntil.getTime() - b.validUntil.getTime() || compareIds(a.keyId, b.keyId),
    );
  }

  #validAt(now: number): Entry[] {
    return this.#entries.filter((entry) => entry.from <= now && now < entry.until);
  }

  #newestAt(at: Date): Entry {
    const newest = this.#validAt(instant(at))[0];
    if (newest === undefined) throw new NoValidKeyError(at);
    return newest;
  }

  /** A successor takes over without a gap: valid by the time `entry` expires, and still valid after. */
  #hasSuccessor(entry: Entry): boolean {
    return this.#entries.some(
      (other) => other !== entry && other.from <= entry.until && other.until > entry.until,
    );
  }
}

function toEntry(key: MerchantKey): Entry {
  if (typeof key.id !== 'string' || key.id.length === 0) {
    throw new KeyFormatError('A key needs a non-empty id.', 'id');
  }
  const secret = keyBytes(key.secret, 'secret', key.id);
  if (!isValidDate(key.validFrom))
    throw new KeyFormatError('validFrom is not a valid date.', 'validFrom', key.id);
  if (!isValidDate(key.validUntil))
    throw new KeyFormatError('validUntil is not a valid date.', 'validUntil', key.id);
  const from = key.validFrom.getTime();
  const until = key.validUntil.getTime();
  if (until <= from) throw new KeyFormatError('validUntil must be after validFrom.', 'validUntil', key.id);
  return { id: key.id, secretText: key.secret, secret, from, until };
}

function toMerchantKey(entry: Entry): MerchantKey {
  return {
    id: entry.id,
    secret: entry.secretText,
    validFrom: new Date(entry.from),
    validUntil: new Date(entry.until),
  };
}

function instant(at: Date): number {
  if (!isValidDate(at)) throw new CryptoInputError('The moment must be a valid Date.', 'at');
  return at.getTime();
}

function newestFirst(a: Entry, b: Entry): number {
  return b.from - a.from || b.until - a.until || compareIds(a.id, b.id);
}

// Code-unit order, not localeCompare: the same on every machine and locale.
function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
