import fc from 'fast-check';
import { encryptJson } from './envelope';
import { CryptoInputError, EnvelopeError, KeyFormatError, NoValidKeyError } from './errors';
import { KeyRing, type MerchantKey } from './key-ring';
import { successorKeyWindow } from './rotation';

const DAY = 86_400_000;
const taipei = (wallClock: string): Date => new Date(`${wallClock}+08:00`);
const plus = (date: Date, ms: number): Date => new Date(date.getTime() + ms);

const OLD: MerchantKey = {
  id: 'k2025',
  secret: 'OLDoldOLDoldOLDoldOLDoldOLDold12',
  validFrom: taipei('2025-01-01T00:00:00'),
  validUntil: taipei('2026-01-01T00:00:00'),
};
// Issued 7 days before OLD expires, valid one year: the gateway's rotation.
const NEW: MerchantKey = {
  id: 'k2026',
  secret: 'NEWnewNEWnewNEWnewNEWnewNEWnew34',
  ...successorKeyWindow(OLD),
};

function caught(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('successorKeyWindow', () => {
  it('starts 7 days before the current key expires and lasts one calendar year (Taiwan time)', () => {
    expect(successorKeyWindow(OLD)).toEqual({
      validFrom: taipei('2025-12-25T00:00:00'),
      validUntil: taipei('2026-12-25T00:00:00'),
    });
  });

  it('keeps the Taiwan wall-clock time across the year, even when it is the previous day in UTC', () => {
    const window = successorKeyWindow({ validUntil: taipei('2025-03-08T03:30:00') });
    expect(window.validFrom).toEqual(taipei('2025-03-01T03:30:00'));
    expect(window.validUntil).toEqual(taipei('2026-03-01T03:30:00'));
  });

  it('ends a successor that starts on 29 February on 28 February', () => {
    const window = successorKeyWindow({ validUntil: taipei('2024-03-07T09:00:00') });
    expect(window.validFrom).toEqual(taipei('2024-02-29T09:00:00'));
    expect(window.validUntil).toEqual(taipei('2025-02-28T09:00:00'));
  });

  it('leaves exactly a 7-day overlap along a chain of rotations', () => {
    let current: MerchantKey = OLD;
    for (let year = 0; year < 8; year += 1) {
      const next = { ...current, id: `k${year}`, ...successorKeyWindow(current) };
      expect(current.validUntil.getTime() - next.validFrom.getTime()).toBe(7 * DAY);
      expect(next.validUntil.getTime() - next.validFrom.getTime()).toBeGreaterThanOrEqual(365 * DAY);
      current = next;
    }
  });

  it('refuses an invalid expiry', () => {
    expect(caught(() => successorKeyWindow({ validUntil: new Date(Number.NaN) }))).toMatchObject({
      code: 'KEY_INVALID',
      field: 'validUntil',
    });
  });
});

describe('KeyRing construction', () => {
  it.each([
    ['an empty id', { ...OLD, id: '' }, 'id'],
    ['a short secret', { ...OLD, secret: 'too-short' }, 'secret'],
    ['a non-ASCII secret', { ...OLD, secret: `${OLD.secret.slice(0, 31)}票` }, 'secret'],
    ['an invalid validFrom', { ...OLD, validFrom: new Date('nope') }, 'validFrom'],
    ['an invalid validUntil', { ...OLD, validUntil: new Date('nope') }, 'validUntil'],
    ['validUntil equal to validFrom', { ...OLD, validUntil: OLD.validFrom }, 'validUntil'],
    [
      'validUntil before validFrom',
      { ...OLD, validFrom: OLD.validUntil, validUntil: OLD.validFrom },
      'validUntil',
    ],
  ])('refuses a key with %s', (_label, key, field) => {
    const error = caught(() => new KeyRing([key]));
    expect(error).toBeInstanceOf(KeyFormatError);
    expect(error).toMatchObject({ code: 'KEY_INVALID', field });
  });

  it('refuses duplicate ids and names the key, never the secret', () => {
    const error = caught(() => new KeyRing([OLD, { ...NEW, id: OLD.id }]));
    expect(error).toMatchObject({ code: 'KEY_INVALID', field: 'id', keyId: OLD.id });
    expect((error as Error).message).not.toContain(NEW.secret);
    const bad = caught(() => new KeyRing([{ ...OLD, secret: `${OLD.secret}X` }]));
    expect((bad as Error).message).not.toContain(OLD.secret);
  });

  it('is not affected by later changes to the keys it was built from, nor to the keys it returns', () => {
    const from = new Date(OLD.validFrom);
    const key = { ...OLD, validFrom: from };
    const ring = new KeyRing([key]);
    from.setTime(0);
    key.id = 'changed';
    const returned = ring.validKeys(taipei('2025-06-01T00:00:00'))[0];
    expect(returned).toEqual(OLD);
    returned?.validUntil.setTime(0);
    expect(ring.encryptionKey(taipei('2025-06-01T00:00:00'))).toEqual(OLD);
  });

  it('refuses an invalid moment', () => {
    const ring = new KeyRing([OLD]);
    for (const run of [
      () => ring.validKeys(new Date(Number.NaN)),
      () => ring.encryptionKey(new Date(Number.NaN)),
      () => ring.expiryWarnings(new Date(Number.NaN)),
      () => ring.decryptJson(encryptJson({}, OLD.secret), new Date(Number.NaN)),
    ]) {
      const error = caught(run);
      expect(error).toBeInstanceOf(CryptoInputError);
      expect(error).toMatchObject({ code: 'CRYPTO_INPUT_INVALID', field: 'at' });
    }
  });
});

describe('KeyRing validity', () => {
  const ring = new KeyRing([OLD, NEW]);
  const ids = (at: Date): string[] => ring.validKeys(at).map((key) => key.id);

  it('treats validity as [validFrom, validUntil)', () => {
    expect(ids(plus(OLD.validFrom, -1))).toEqual([]);
    expect(ids(OLD.validFrom)).toEqual(['k2025']);
    expect(ids(plus(NEW.validFrom, -1))).toEqual(['k2025']);
    expect(ids(NEW.validFrom)).toEqual(['k2026', 'k2025']);
    expect(ids(plus(OLD.validUntil, -1))).toEqual(['k2026', 'k2025']);
    expect(ids(OLD.validUntil)).toEqual(['k2026']);
    expect(ids(plus(NEW.validUntil, -1))).toEqual(['k2026']);
    expect(ids(NEW.validUntil)).toEqual([]);
  });

  it('encrypts with the newest valid key, and says so when there is none', () => {
    expect(ring.encryptionKey(plus(NEW.validFrom, -1)).id).toBe('k2025');
    expect(ring.encryptionKey(NEW.validFrom).id).toBe('k2026');
    for (const at of [plus(OLD.validFrom, -1), NEW.validUntil]) {
      const error = caught(() => ring.encryptionKey(at));
      expect(error).toBeInstanceOf(NoValidKeyError);
      expect(error).toMatchObject({ code: 'NO_VALID_KEY', at });
      expect(caught(() => ring.encryptJson({}, at))).toMatchObject({ code: 'NO_VALID_KEY' });
    }
  });

  it('has no key in a gap between two keys', () => {
    const late = { ...NEW, id: 'late', validFrom: plus(OLD.validUntil, DAY) };
    const gapped = new KeyRing([OLD, late]);
    expect(gapped.validKeys(plus(OLD.validUntil, DAY / 2))).toEqual([]);
    expect(caught(() => gapped.encryptionKey(plus(OLD.validUntil, DAY / 2)))).toMatchObject({
      code: 'NO_VALID_KEY',
    });
  });

  it('orders keys the same whatever the input order (validFrom, then validUntil, then id)', () => {
    const twin = { ...NEW, id: 'k2026-b' };
    const longer = { ...NEW, id: 'k2026-long', validUntil: plus(NEW.validUntil, DAY) };
    const at = NEW.validFrom;
    const expected = ['k2026-long', 'k2026', 'k2026-b', 'k2025'];
    expect(new KeyRing([OLD, twin, NEW, longer]).validKeys(at).map((key) => key.id)).toEqual(expected);
    expect(new KeyRing([longer, NEW, twin, OLD]).validKeys(at).map((key) => key.id)).toEqual(expected);
  });

  it('keeps newest-first and encryptionKey = validKeys[0] at any moment (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: OLD.validFrom.getTime() - 10 * DAY, max: NEW.validUntil.getTime() + 10 * DAY }),
        (ms) => {
          const at = new Date(ms);
          const valid = ring.validKeys(at);
          for (const key of valid) expect(key.validFrom <= at && at < key.validUntil).toBe(true);
          for (let i = 1; i < valid.length; i += 1) {
            expect(valid[i - 1]!.validFrom.getTime()).toBeGreaterThanOrEqual(valid[i]!.validFrom.getTime());
          }
          if (valid[0] === undefined)
            expect(caught(() => ring.encryptionKey(at))).toBeInstanceOf(NoValidKeyError);
          else expect(ring.encryptionKey(at)).toEqual(valid[0]);
        },
      ),
    );
  });
});

describe('KeyRing encryption and decryption', () => {
  const ring = new KeyRing([OLD, NEW]);
  const overlap = plus(NEW.validFrom, DAY);
  const payload = { store_uid: '398800730001', name: '票券' };

  it('round-trips with the newest key', () => {
    const envelope = ring.encryptJson(payload, overlap);
    expect(ring.decryptJson(envelope, overlap)).toEqual({ value: payload, keyId: 'k2026' });
  });

  it('accepts either key during the overlap and reports which one opened it', () => {
    expect(ring.decryptJson(encryptJson(payload, OLD.secret), overlap)).toEqual({
      value: payload,
      keyId: 'k2025',
    });
    expect(ring.decryptJson(encryptJson(payload, NEW.secret), overlap)).toEqual({
      value: payload,
      keyId: 'k2026',
    });
  });

  it('refuses a key that has expired or is not valid yet, with the one EnvelopeError', () => {
    const reference = caught(() => ring.decryptJson('', overlap)) as EnvelopeError;
    const cases = [
      [encryptJson(payload, OLD.secret), OLD.validUntil],
      [encryptJson(payload, NEW.secret), plus(NEW.validFrom, -1)],
      [encryptJson(payload, 'UNKNOWNunknownUNKNOWNunknown0000'), overlap],
      ['not base64!', overlap],
    ] as const;
    for (const [envelope, at] of cases) {
      const error = caught(() => ring.decryptJson(envelope, at));
      expect(error).toBeInstanceOf(EnvelopeError);
      expect((error as EnvelopeError).code).toBe('ENVELOPE_INVALID');
      expect((error as EnvelopeError).message).toBe(reference.message);
      expect((error as EnvelopeError).cause).toBeUndefined();
    }
  });

  it('says NoValidKeyError, whatever the envelope, when no key is valid at all', () => {
    for (const envelope of [encryptJson(payload, NEW.secret), 'garbage']) {
      expect(caught(() => ring.decryptJson(envelope, NEW.validUntil))).toMatchObject({
        code: 'NO_VALID_KEY',
      });
    }
  });

  it('throws nothing but EnvelopeError for random input while keys are valid (property)', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ unit: 'binary' }), fc.base64String({ minLength: 44, maxLength: 200 })),
        (text) => {
          try {
            ring.decryptJson(text, overlap);
          } catch (error) {
            expect(error).toBeInstanceOf(EnvelopeError);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe('KeyRing expiry warnings', () => {
  const alone = new KeyRing([OLD]);
  const before = (days: number, ms = 0): Date => plus(OLD.validUntil, -days * DAY + ms);

  it.each([
    ['60 days + 1 ms', before(60, -1), undefined],
    ['exactly 60 days', before(60), { daysLeft: 60, window: 60 }],
    ['30 days + 1 ms', before(30, -1), { daysLeft: 31, window: 60 }],
    ['exactly 30 days', before(30), { daysLeft: 30, window: 30 }],
    ['20 days + 1 ms', before(20, -1), { daysLeft: 21, window: 30 }],
    ['exactly 20 days', before(20), { daysLeft: 20, window: 20 }],
    ['7 days + 1 ms', before(7, -1), { daysLeft: 8, window: 20 }],
    ['exactly 7 days', before(7), { daysLeft: 7, window: 7 }],
    ['1 ms', before(0, -1), { daysLeft: 1, window: 7 }],
    ['0 (expired)', before(0), undefined],
  ])('a key alone, %s before expiry', (_label, at, expected) => {
    const warnings = alone.expiryWarnings(at);
    if (expected === undefined) {
      expect(warnings).toEqual([]);
    } else {
      expect(warnings).toEqual([
        { keyId: 'k2025', validUntil: OLD.validUntil, hasSuccessor: false, ...expected },
      ]);
    }
  });

  it('stays quiet in the 60/30/20-day windows once a successor is in the ring, but not in the 7-day one', () => {
    const early = { ...NEW, id: 'early', validFrom: before(45) }; // loaded ahead of the usual 7 days
    const ring = new KeyRing([OLD, early]);
    expect(ring.expiryWarnings(before(40))).toEqual([]);
    expect(ring.expiryWarnings(before(8))).toEqual([]);
    expect(ring.expiryWarnings(before(7))).toEqual([
      { keyId: 'k2025', validUntil: OLD.validUntil, daysLeft: 7, window: 7, hasSuccessor: true },
    ]);
  });

  it('during the normal rotation warns until the successor arrives, then only for the 7-day overlap', () => {
    const ring = new KeyRing([OLD, NEW]);
    // NEW is in the ring but starts later; it still takes over without a gap, so it counts as the successor.
    expect(ring.expiryWarnings(before(30))).toEqual([]);
    expect(new KeyRing([OLD]).expiryWarnings(before(30))).toHaveLength(1);
    expect(ring.expiryWarnings(NEW.validFrom)).toEqual([
      { keyId: 'k2025', validUntil: OLD.validUntil, daysLeft: 7, window: 7, hasSuccessor: true },
    ]);
  });

  it('does not count a key that starts after expiry (a gap) as a successor', () => {
    const late = {
      ...NEW,
      id: 'late',
      validFrom: plus(OLD.validUntil, 1),
      validUntil: plus(OLD.validUntil, 365 * DAY),
    };
    expect(new KeyRing([OLD, late]).expiryWarnings(before(30))).toEqual([
      { keyId: 'k2025', validUntil: OLD.validUntil, daysLeft: 30, window: 30, hasSuccessor: false },
    ]);
  });

  it('counts a key valid exactly from the expiry instant as a successor (no gap)', () => {
    const next = {
      ...NEW,
      id: 'next',
      validFrom: OLD.validUntil,
      validUntil: plus(OLD.validUntil, 365 * DAY),
    };
    expect(new KeyRing([OLD, next]).expiryWarnings(before(30))).toEqual([]);
  });

  it('reports several keys most urgent first and ignores keys not valid yet', () => {
    // `other` dies 5 days before OLD, which covers for it: 7-day window, with a successor. OLD has none.
    const other = { ...NEW, id: 'z-other', validFrom: OLD.validFrom, validUntil: before(5) };
    const future = { ...NEW, id: 'future', validFrom: before(-10), validUntil: before(-11) };
    const warnings = new KeyRing([OLD, other, future]).expiryWarnings(before(10));
    expect(
      warnings.map((warning) => [warning.keyId, warning.daysLeft, warning.window, warning.hasSuccessor]),
    ).toEqual([
      ['z-other', 5, 7, true],
      ['k2025', 10, 20, false],
    ]);
  });

  it('orders keys expiring at the same instant by id', () => {
    const twin = { ...OLD, id: 'a-twin', validFrom: plus(OLD.validFrom, DAY) };
    expect(new KeyRing([OLD, twin]).expiryWarnings(before(3)).map((warning) => warning.keyId)).toEqual([
      'a-twin',
      'k2025',
    ]);
  });
});
