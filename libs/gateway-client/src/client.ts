import type { KeyRing } from '@tixclear/crypto';
import { z } from 'zod';
import { readAnswer } from './answer';
import {
  commands,
  PAYOFF_NOT_FOUND_CODE,
  serviceOf,
  type CommandName,
  type CommandSpec,
  type MerchantMode,
  type RequestOf,
  type ResponseOf,
} from './commands';
import { gatewayErrorFrom, type GatewayError, type GatewayFailure, type GatewayIssue } from './errors';
import { postNode } from './http/node-transport';
import { post, type BodyEncoding } from './http/transport';
import {
  resolvePayoffCovering,
  resolvePayoffCreate,
  resolveVoucherOffline,
  resolveVoucherPurchase,
  resolveVoucherRedeem,
  resolveVoucherRefund,
} from './resolve';
import {
  DEFAULT_RETRY,
  DEFAULT_TIMEOUT_MS,
  decideRetry,
  parseRetryAfter,
  type RetryOptions,
} from './retry-policy';

/*
 * The typed gateway client: one method per command, each validating its request (schema and business rules)
 * before anything leaves, encrypting it into the envelope, posting it, reading the answer's status, validating
 * the answer against the command's schema, and retrying by the decision table of retry-policy.ts.
 */

export const GATEWAY_URL = {
  test: 'https://pay.usecase.cc/api/init',
  production: 'https://ka.mypay.tw/api/init',
} as const;

export interface GatewayMerchant {
  /** `store` sends `store_uid`, `agent` (dealer) sends `agent_uid`. */
  readonly mode: MerchantMode;
  readonly uid: string;
  /** Only encryption is needed here; any KeyRing does. */
  readonly keyRing: Pick<KeyRing, 'encryptJson'>;
}

export interface GatewayClientConfig {
  /** The full URL of `api/init` (see GATEWAY_URL). */
  readonly baseUrl: string;
  readonly merchant: GatewayMerchant;
  /** Per-attempt timeout. Default 15 s. */
  readonly timeoutMs?: number;
  readonly retry?: Partial<RetryOptions>;
  /** Request body encoding. Default `form`, as the PHP and Python samples. */
  readonly bodyEncoding?: BodyEncoding;
  /** Overrides of `cmd` per command, e.g. `{ payoffremittance: 'api/payoffbatch' }` (docs/protocol.md §3). */
  readonly commandNames?: Partial<Record<CommandName, string>>;
  /**
   * The codes with which the pay-off query says it has no such batch (docs/protocol.md §3: only an explicit
   * not-found counts as "not found"). Default `[PAYOFF_NOT_FOUND_CODE]`.
   */
  readonly payoffNotFoundCodes?: readonly string[];
  /** Injected so that tests and key rotation use one notion of now. */
  readonly clock?: () => Date;
  readonly random?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** A fetch to send with instead of node:http(s) (tests, other runtimes). */
  readonly fetch?: typeof fetch;
}

export interface CallOptions {
  /** This call's per-attempt timeout. */
  readonly timeoutMs?: number;
  /** Aborts the call (an abort after sending is an unknown outcome for a mutating command). */
  readonly signal?: AbortSignal;
  /** This call's attempts in all (1 disables retries). */
  readonly maxAttempts?: number;
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function issuesOf(error: z.ZodError): GatewayIssue[] {
  return error.issues.map((i) => {
    const params = (i as { params?: { rule?: unknown } }).params;
    return {
      field: i.path
        .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
        .join('')
        .replace(/^\./, ''),
      message: i.message,
      rule: typeof params?.rule === 'string' ? params.rule : i.code,
    };
  });
}

export class GatewayClient {
  readonly #config: GatewayClientConfig;
  readonly #retry: RetryOptions;
  readonly #clock: () => Date;
  readonly #random: () => number;
  readonly #sleep: (ms: number) => Promise<void>;
  /** Undefined: node:http(s) keep-alive (http/node-transport.ts); injected: fetch (tests, other runtimes). */
  readonly #fetch: typeof fetch | undefined;

  constructor(config: GatewayClientConfig) {
    this.#config = config;
    this.#retry = { ...DEFAULT_RETRY, ...config.retry };
    this.#clock = config.clock ?? (() => new Date());
    this.#random = config.random ?? Math.random;
    this.#sleep = config.sleep ?? defaultSleep;
    this.#fetch = config.fetch;
  }

  get merchant(): { readonly mode: MerchantMode; readonly uid: string } {
    return { mode: this.#config.merchant.mode, uid: this.#config.merchant.uid };
  }

  /** The codes of an explicit "no such batch" answer of the pay-off query (see resolve.ts). */
  get payoffNotFoundCodes(): readonly string[] {
    return this.#config.payoffNotFoundCodes ?? [PAYOFF_NOT_FOUND_CODE];
  }

  /** The `cmd` sent for a command, after configuration overrides. */
  cmdOf(name: CommandName): string {
    return this.#config.commandNames?.[name] ?? commands[name].cmd;
  }

  // --- Vouchers (seed 000) -------------------------------------------------------------------------------

  /** api/voucherservicepurchase: open a voucher order; the answer carries the payment URL. Mutating. */
  voucherPurchase(request: RequestOf<'voucherservicepurchase'>, options?: CallOptions) {
    return this.call('voucherservicepurchase', request, options);
  }

  /** api/voucherservicequery: the state of a purchase. */
  voucherPurchaseQuery(request: RequestOf<'voucherservicequery'>, options?: CallOptions) {
    return this.call('voucherservicequery', request, options);
  }

  /** api/vouchertransaction: redeem vouchers online; the answer carries each voucher's split. Mutating. */
  voucherRedeem(request: RequestOf<'vouchertransaction'>, options?: CallOptions) {
    return this.call('vouchertransaction', request, options);
  }

  /** api/voucherquery: the result of a redemption. */
  voucherRedeemQuery(request: RequestOf<'voucherquery'>, options?: CallOptions) {
    return this.call('voucherquery', request, options);
  }

  /** api/voucherrefund: refund unused vouchers. Mutating. */
  voucherRefund(request: RequestOf<'voucherrefund'>, options?: CallOptions) {
    return this.call('voucherrefund', request, options);
  }

  /** api/voucherrefundquery: the result of a refund. */
  voucherRefundQuery(request: RequestOf<'voucherrefundquery'>, options?: CallOptions) {
    return this.call('voucherrefundquery', request, options);
  }

  // --- Offline redemption, e-ticket refund, pay-off (seeds 002-004, docs/protocol.md §3) ----------------------

  /** api/voucheroffline: POS redemption (no fee object in the answer). Mutating. */
  voucherOffline(request: RequestOf<'voucheroffline'>, options?: CallOptions) {
    return this.call('voucheroffline', request, options);
  }

  /** api/esvcrefund: refund an e-ticket order by uid. Mutating. */
  esvcRefund(request: RequestOf<'esvcrefund'>, options?: CallOptions) {
    return this.call('esvcrefund', request, options);
  }

  /** Create a pay-off batch (default `api/payoffremittance`, configurable). Mutating. */
  payoffCreate(request: RequestOf<'payoffremittance'>, options?: CallOptions) {
    return this.call('payoffremittance', request, options);
  }

  /** Query a pay-off batch (default `api/payoffquery`, configurable). */
  payoffQuery(request: RequestOf<'payoffquery'>, options?: CallOptions) {
    return this.call('payoffquery', request, options);
  }

  /** api/payoffcoveringremittance: re-remit failed items (C2001/C2002) of a batch in S05. Mutating. */
  payoffCovering(request: RequestOf<'payoffcoveringremittance'>, options?: CallOptions) {
    return this.call('payoffcoveringremittance', request, options);
  }

  // --- PayPage (seed 001) ---------------------------------------------------------------------------------

  /** api/orders: open a payment order. Mutating. */
  orderCreate(request: RequestOf<'orders'>, options?: CallOptions) {
    return this.call('orders', request, options);
  }

  /** api/queryorder: the state of a payment order, by uid and key. */
  orderQuery(request: RequestOf<'queryorder'>, options?: CallOptions) {
    return this.call('queryorder', request, options);
  }

  /** api/refund: refund a payment order. Mutating. */
  orderRefund(request: RequestOf<'refund'>, options?: CallOptions) {
    return this.call('refund', request, options);
  }

  /** api/refundcancel: cancel a refund still queued. Mutating. */
  orderRefundCancel(request: RequestOf<'refundcancel'>, options?: CallOptions) {
    return this.call('refundcancel', request, options);
  }

  /** api/cancelauthorization: release a card authorisation (245). Mutating. */
  cardAuthorizationCancel(request: RequestOf<'cancelauthorization'>, options?: CallOptions) {
    return this.call('cancelauthorization', request, options);
  }

  /** api/authorizedrequestpayment: capture a card authorisation. Mutating. */
  cardAuthorizationCapture(request: RequestOf<'authorizedrequestpayment'>, options?: CallOptions) {
    return this.call('authorizedrequestpayment', request, options);
  }

  /** api/disabledirectdebit: stop a recurring debit. Mutating. */
  directDebitDisable(request: RequestOf<'disabledirectdebit'>, options?: CallOptions) {
    return this.call('disabledirectdebit', request, options);
  }

  /** api/ewalletbind: open the card-binding page. Mutating. */
  ewalletBind(request: RequestOf<'ewalletbind'>, options?: CallOptions) {
    return this.call('ewalletbind', request, options);
  }

  /** api/issueinvoice: issue an order's e-invoice. Mutating. */
  invoiceIssue(request: RequestOf<'issueinvoice'>, options?: CallOptions) {
    return this.call('issueinvoice', request, options);
  }

  /** api/invoice: an order's e-invoice state. */
  invoiceQuery(request: RequestOf<'invoice'>, options?: CallOptions) {
    return this.call('invoice', request, options);
  }

  /** api/paymentsupportpaymode: the payment tools available for an amount. */
  paymentToolsQuery(request: RequestOf<'paymentsupportpaymode'>, options?: CallOptions) {
    return this.call('paymentsupportpaymode', request, options);
  }

  // --- Resolving unknown outcomes (resolve.ts) ----------------------------------------------------------

  /** The outcome of a purchase whose answer was lost, by its order_id. */
  resolveVoucherPurchase(orderId: string, options?: CallOptions) {
    return resolveVoucherPurchase(this, orderId, options);
  }

  /** The outcome of a redemption whose answer was lost, by its order_id. */
  resolveVoucherRedeem(orderId: string, options?: CallOptions) {
    return resolveVoucherRedeem(this, orderId, options);
  }

  /** The outcome of a refund whose answer was lost, by its refund order_id. */
  resolveVoucherRefund(orderId: string, options?: CallOptions) {
    return resolveVoucherRefund(this, orderId, options);
  }

  /** The outcome of an offline redemption, by its order_id (through voucherquery: see resolve.ts). */
  resolveVoucherOffline(orderId: string, options?: CallOptions) {
    return resolveVoucherOffline(this, orderId, options);
  }

  /** The outcome of a pay-off batch creation, by its group_id. */
  resolvePayoffCreate(groupId: string, options?: CallOptions & { readonly storeUid?: string }) {
    return resolvePayoffCreate(this, groupId, options);
  }

  /** The outcome of a covering remittance of some items of a batch. */
  resolvePayoffCovering(
    groupId: string,
    itemIds: readonly string[],
    options?: CallOptions & { readonly storeUid?: string },
  ) {
    return resolvePayoffCovering(this, groupId, itemIds, options);
  }

  // --- The engine -------------------------------------------------------------------------------------------

  /** Calls any command by name. The typed methods above are this with the name filled in. */
  async call<K extends CommandName>(
    name: K,
    request: RequestOf<K>,
    options: CallOptions = {},
  ): Promise<ResponseOf<K>> {
    // Widened once, here: the registry's precise types are re-established by the signature.
    const spec: CommandSpec = commands[name];
    const merchant = this.#config.merchant;
    const base = { command: name, cmd: this.cmdOf(name), merchantUid: merchant.uid, mutating: spec.mutating };
    const fail = (failure: GatewayFailure, attempt: number): GatewayError =>
      gatewayErrorFrom(failure, { ...base, attempt });

    if (!spec.modes.includes(merchant.mode))
      throw fail({ kind: 'mode_not_supported', mode: merchant.mode }, 0);
    const encoded = z.safeEncode(spec.request, request);
    if (!encoded.success) throw fail({ kind: 'request_invalid', issues: issuesOf(encoded.error) }, 0);

    const maxAttempts = options.maxAttempts ?? this.#retry.maxAttempts;
    for (let attempt = 1; ; attempt += 1) {
      // Aborted before this attempt left: nothing was sent by it, so the caller gets the plain abort (or, after a
      // failed attempt, that attempt's error below), never an unknown outcome of its own making.
      if (attempt === 1) options.signal?.throwIfAborted();
      const outcome = await this.#attempt(spec, base.cmd, encoded.data, options);
      if (outcome.ok) return outcome.value as ResponseOf<K>;
      const error = fail(outcome.failure, attempt);
      const decision = decideRetry(
        {
          reason: error.reason,
          mutating: spec.mutating,
          mayHaveCommitted: error.mayHaveCommitted,
          attempt,
          retryAfterMs: error.retryAfterMs,
        },
        { ...this.#retry, maxAttempts },
        this.#random,
      );
      if (!decision.retry) throw error;
      await this.#sleep(decision.delayMs);
      if (options.signal?.aborted === true) throw error;
    }
  }

  async #attempt(
    spec: CommandSpec,
    cmd: string,
    wire: unknown,
    options: CallOptions,
  ): Promise<{ ok: true; value: unknown } | { ok: false; failure: GatewayFailure }> {
    const merchant = this.#config.merchant;
    const at = this.#clock();
    let fields: Record<string, string>;
    try {
      // A fresh IV per message and per attempt; the key is the one valid at the moment of sending.
      fields = {
        [merchant.mode === 'store' ? 'store_uid' : 'agent_uid']: merchant.uid,
        service: merchant.keyRing.encryptJson(serviceOf(cmd), at),
        encry_data: merchant.keyRing.encryptJson(wire, at),
      };
    } catch (cause) {
      return { ok: false, failure: { kind: 'encryption_failed', cause } };
    }

    const postInput = {
      url: this.#config.baseUrl,
      fields,
      encoding: this.#config.bodyEncoding ?? 'form',
      timeoutMs: options.timeoutMs ?? this.#config.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      signal: options.signal,
    } as const;
    const result = this.#fetch ? await post({ ...postInput, fetch: this.#fetch }) : await postNode(postInput);
    if (result.kind === 'failed') return { ok: false, failure: result.failure };

    if (result.status < 200 || result.status > 299) {
      const retryAfterMs = parseRetryAfter(result.headers.get('retry-after'), this.#clock());
      return {
        ok: false,
        failure: {
          kind: 'http_status',
          status: result.status,
          body: result.text,
          ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
        },
      };
    }
    let body: unknown;
    try {
      body = JSON.parse(result.text) as unknown;
    } catch {
      return { ok: false, failure: { kind: 'non_json', status: result.status, body: result.text } };
    }
    const verdict = readAnswer(spec.answer, body);
    if (!verdict.ok) {
      return {
        ok: false,
        failure: {
          kind: 'answer',
          verdict: verdict.verdict,
          level: verdict.level,
          gatewayCode: verdict.gatewayCode,
          gatewayMessage: verdict.gatewayMessage,
          body,
        },
      };
    }
    const parsed = spec.response.safeParse(body);
    if (!parsed.success)
      return { ok: false, failure: { kind: 'schema_mismatch', issues: issuesOf(parsed.error), body } };
    return { ok: true, value: parsed.data };
  }
}
