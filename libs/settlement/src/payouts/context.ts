import type { DataSource } from 'typeorm';
import type { MerchantClients } from './gateway';

export interface PayoutOptions {
  /** Covering remittances per batch before the items still failing become exceptions. Default 3. */
  maxCoveringAttempts?: number;
  /** Wait before the second covering remittance, doubled for each one after it. Default 60 000 ms. */
  coveringBackoffMs?: number;
  /**
   * How long a batch whose creation outcome is unknown must stay unknown to the gateway before it is sent
   * again (the first request may still be on its way). Default 60 000 ms.
   */
  submitGraceMs?: number;
  /** The clock (tests move it). */
  clock?: () => Date;
  /**
   * The operator's own payee account at the gateway, for the issuance fees of layer 1 (party `operator`).
   * Without one they are not paid out: they stay on `fee_issuance_l1`, reported.
   */
  operatorPayoutAccount?: string | undefined;
}

export interface PayoutSettings {
  maxCoveringAttempts: number;
  coveringBackoffMs: number;
  submitGraceMs: number;
  clock: () => Date;
  operatorPayoutAccount: string | undefined;
}

export function payoutSettings(options: PayoutOptions = {}): PayoutSettings {
  const settings = {
    maxCoveringAttempts: options.maxCoveringAttempts ?? 3,
    coveringBackoffMs: options.coveringBackoffMs ?? 60_000,
    submitGraceMs: options.submitGraceMs ?? 60_000,
    clock: options.clock ?? (() => new Date()),
    operatorPayoutAccount: options.operatorPayoutAccount || undefined,
  };
  for (const key of ['maxCoveringAttempts', 'coveringBackoffMs', 'submitGraceMs'] as const) {
    if (!Number.isSafeInteger(settings[key]) || settings[key] < 0) {
      throw new RangeError(`${key} must be a non-negative integer`);
    }
  }
  return settings;
}

/** What one `advance` pass works with. */
export interface Pass {
  readonly dataSource: DataSource;
  readonly clients: MerchantClients;
  readonly settings: PayoutSettings;
}

/**
 * What one step of a batch did: `progressed` (its state moved, or another worker moved it: look again),
 * `waiting` (the gateway or the clock must move first), `final` (nothing more to do).
 */
export type StepResult = 'progressed' | 'waiting' | 'final';
