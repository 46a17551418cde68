/*
 * The impure things the simulator needs, behind small interfaces so that tests pin them: the clock, a seeded
 * random source and the id generator. Nothing else in the simulator reads `Date.now()` or `Math.random()`.
 */

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that moves only when told to: for tests that check timestamps and key validity. */
export class ManualClock implements Clock {
  #at: number;

  constructor(start: Date | string) {
    this.#at = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.#at);
  }

  set(at: Date | string): void {
    this.#at = new Date(at).getTime();
  }

  advance(ms: number): void {
    this.#at += ms;
  }
}

/** Uniform in [0, 1). */
export type Random = () => number;

/**
 * mulberry32: a tiny 32-bit PRNG. Not cryptographic, and it does not need to be: what matters here is that one
 * seed always gives the same faults, keys and outcomes, on every machine.
 */
export function mulberry32(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * Independent streams derived from one seed. Faults, ids and pay-off outcomes each draw from their own stream,
 * so that adding a fault rule does not change the keys and serials a test sees, and vice versa.
 */
export interface RandomStreams {
  readonly faults: Random;
  readonly ids: Random;
  readonly payoff: Random;
}

export function randomStreams(seed: number): RandomStreams {
  return {
    faults: mulberry32(seed),
    ids: mulberry32(seed ^ 0x9e3779b9),
    payoff: mulberry32(seed ^ 0x85ebca6b),
  };
}

/** Ids the gateway hands out. */
export interface IdGenerator {
  /** The next transaction uid (purchases, PayPage orders, redemptions, refunds share one sequence, as in seed 001). */
  uid(): number;
  /** A verification key (交易驗証碼): lower-case hex, 32 characters (40 for purchases, as in the seed sample). */
  key(length: 32 | 40): string;
  /** A system voucher serial (MYTIX 票券序號). */
  voucherSerial(): string;
  /** A digital pay token: `MYTIX` + 16 characters (seed 002). */
  payToken(): string;
  /** An authorisation code for PayPage card payments. */
  authCode(): string;
}

const HEX = '0123456789abcdef';
const TOKEN_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** The default generator: counters plus characters drawn from the seeded `ids` stream. */
export class SeededIds implements IdGenerator {
  #nextUid: number;
  #nextSerial = 1;
  readonly #random: Random;

  constructor(random: Random, firstUid = 100) {
    this.#random = random;
    this.#nextUid = firstUid;
  }

  uid(): number {
    return this.#nextUid++;
  }

  key(length: 32 | 40): string {
    return this.#draw(HEX, length);
  }

  voucherSerial(): string {
    return `TX${String(this.#nextSerial++).padStart(10, '0')}`;
  }

  payToken(): string {
    return `MYTIX${this.#draw(TOKEN_ALPHABET, 16)}`;
  }

  authCode(): string {
    return this.#draw(TOKEN_ALPHABET, 6);
  }

  #draw(alphabet: string, length: number): string {
    let out = '';
    for (let i = 0; i < length; i += 1) out += alphabet[Math.floor(this.#random() * alphabet.length)] ?? '0';
    return out;
  }
}

/**
 * Timers the simulator owns (automatic pay-off approval and remittance), so that a reset or a close cancels
 * them all: nothing fires into a state that was thrown away, and no timer keeps a test process alive.
 */
export class Timers {
  readonly #pending = new Set<NodeJS.Timeout>();

  schedule(ms: number, task: () => void): void {
    const timer = setTimeout(() => {
      this.#pending.delete(timer);
      task();
    }, ms);
    timer.unref();
    this.#pending.add(timer);
  }

  cancelAll(): void {
    for (const timer of this.#pending) clearTimeout(timer);
    this.#pending.clear();
  }

  get size(): number {
    return this.#pending.size;
  }
}
