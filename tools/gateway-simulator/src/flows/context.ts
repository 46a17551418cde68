import type { Faults } from '../faults';
import type { Merchant, MerchantRegistry } from '../merchants';
import type { Clock, IdGenerator, Random, Timers } from '../ports';
import type { SimulatorState } from '../state/store';

/*
 * What every flow may use. Flows are plain functions of (services, merchant, request) that change the state
 * synchronously and return the answer; reports and timers go through here so tests can observe and cancel them.
 */

export interface PayoffSettings {
  /** `auto`: a batch is approved `approvalDelayMs` after creation; `manual`: only through the control API. */
  readonly approval: 'auto' | 'manual';
  readonly approvalDelayMs: number;
  /** Between approval (S03) and the remittance result (S04/S05); 0 settles at once. */
  readonly remitDelayMs: number;
}

export interface Services {
  readonly state: SimulatorState;
  readonly merchants: MerchantRegistry;
  readonly clock: Clock;
  readonly faults: Faults;
  readonly timers: Timers;
  readonly payoff: PayoffSettings;
  /** The current id generator (a reset starts a fresh one from the seed). */
  ids(): IdGenerator;
  /** The seeded stream pay-off outcomes draw from. */
  payoffRandom(): Random;
  /** `http://host:port` as buyers and merchants reach the simulator. */
  publicUrl(): string;
  /** Sends a report of `command` to the merchant's notification URL, if it has one. */
  report(merchant: Merchant, command: string, payload: Record<string, unknown>): void;
}

/** A flow's answer (the body of the HTTP response) and whether the gateway's state changed. */
export interface FlowResult {
  readonly answer: Record<string, unknown>;
  readonly committed: boolean;
}

/** An answer that changed nothing: a refusal or a query. */
export function unchanged(answer: Record<string, unknown>): FlowResult {
  return { answer, committed: false };
}

/** An answer after the state changed (also a recorded failure, such as a redemption answered `300`). */
export function changed(answer: Record<string, unknown>): FlowResult {
  return { answer, committed: true };
}
