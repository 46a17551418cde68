import {
  GatewayClient,
  type CallOptions,
  type GatewayClientConfig,
  type RequestOf,
} from '@tixclear/gateway-client';

/** The process died: whatever it held in memory is gone, the database and the gateway keep what they have. */
export class SimulatedCrash extends Error {
  constructor(
    readonly command: string,
    readonly when: 'before' | 'after',
  ) {
    super(`simulated crash ${when} ${command}`);
    this.name = 'SimulatedCrash';
  }
}

export type CrashPoint = 'none' | 'before' | 'after';

/** Decides, per mutating call, whether the process dies before the call leaves or after its answer came. */
export type CrashPlan = (command: string) => CrashPoint;

/**
 * A gateway client whose process may die around each mutating call: `before` (intent committed, nothing sent),
 * `after` (the gateway committed, the answer is lost with the process). Everything else is the real client.
 */
export class CrashingClient extends GatewayClient {
  constructor(
    config: GatewayClientConfig,
    private readonly plan: CrashPlan,
  ) {
    super(config);
  }

  override voucherPurchase(request: RequestOf<'voucherservicepurchase'>, options?: CallOptions) {
    return this.#around('voucherservicepurchase', () => super.voucherPurchase(request, options));
  }

  override voucherRedeem(request: RequestOf<'vouchertransaction'>, options?: CallOptions) {
    return this.#around('vouchertransaction', () => super.voucherRedeem(request, options));
  }

  override voucherRefund(request: RequestOf<'voucherrefund'>, options?: CallOptions) {
    return this.#around('voucherrefund', () => super.voucherRefund(request, options));
  }

  override voucherOffline(request: RequestOf<'voucheroffline'>, options?: CallOptions) {
    return this.#around('voucheroffline', () => super.voucherOffline(request, options));
  }

  override payoffCreate(request: RequestOf<'payoffremittance'>, options?: CallOptions) {
    return this.#around('payoffremittance', () => super.payoffCreate(request, options));
  }

  override payoffCovering(request: RequestOf<'payoffcoveringremittance'>, options?: CallOptions) {
    return this.#around('payoffcoveringremittance', () => super.payoffCovering(request, options));
  }

  async #around<T>(command: string, call: () => Promise<T>): Promise<T> {
    const point = this.plan(command);
    if (point === 'before') throw new SimulatedCrash(command, 'before');
    const answer = await call();
    if (point === 'after') throw new SimulatedCrash(command, 'after');
    return answer;
  }
}
