import type { z } from 'zod';
import * as s from './schemas';

/*
 * The command registry: for every gateway command, its `cmd`, its request and answer schemas, whether it
 * changes state on the gateway (which decides retries and unknown outcomes), the query that resolves it, the
 * merchant modes the seed documents for it, and how to read success and refusal from its answer.
 * The client, the gateway simulator and the API all read this one table.
 */

export const COMMAND_NAMES = [
  'voucherservicepurchase',
  'voucherservicequery',
  'vouchertransaction',
  'voucherquery',
  'voucherrefund',
  'voucherrefundquery',
  'voucheroffline',
  'esvcrefund',
  'payoffremittance',
  'payoffquery',
  'payoffcoveringremittance',
  'orders',
  'queryorder',
  'refund',
  'refundcancel',
  'cancelauthorization',
  'authorizedrequestpayment',
  'disabledirectdebit',
  'ewalletbind',
  'issueinvoice',
  'invoice',
  'paymentsupportpaymode',
] as const;

export type CommandName = (typeof COMMAND_NAMES)[number];

/** `store_uid` (特約商店) or `agent_uid` (經銷商) in the request body. */
export type MerchantMode = 'store' | 'agent';

/**
 * How to read an answer. Outer `400` is always a system error and `100`/`B500` always a refusal; the rest is
 * per command. A code in none of the lists is unexpected (see GatewayInvalidResponseError).
 */
export interface AnswerRule {
  /** Top-level `code` values meaning success; `null` when a success answer has no `code` (queryorder, invoice). */
  readonly ok: readonly string[] | null;
  /** Further top-level codes meaning a definite refusal (e.g. redemption `300`). */
  readonly declined: readonly string[];
  /** For answers wrapping the result in `content`: `content.code` values of success and of refusal. */
  readonly inner?: { readonly ok: readonly string[]; readonly declined: readonly string[] };
}

export interface CommandSpec<Req extends z.ZodType = z.ZodType, Res extends z.ZodType = z.ZodType> {
  /** Default `cmd` (`api/<name>`); the client may rename some (see GatewayClientConfig.commandNames). */
  readonly cmd: string;
  readonly request: Req;
  readonly response: Res;
  /** True when the command changes state on the gateway: never retried once it may have reached it. */
  readonly mutating: boolean;
  /** For a query: the mutating command whose unknown outcome it resolves. */
  readonly queryFor?: CommandName;
  readonly modes: readonly MerchantMode[];
  readonly answer: AnswerRule;
  /** The seed documenting it (or `docs/protocol.md` for our decisions). */
  readonly source: string;
}

const STORE: readonly MerchantMode[] = ['store'];
const BOTH: readonly MerchantMode[] = ['store', 'agent'];
const B200: AnswerRule = { ok: ['B200'], declined: [] };

/**
 * The pay-off query's explicit "no such batch" (docs/protocol.md §3 leaves the code to us; the simulator answers
 * it). Only this answer means a batch never arrived: any other refusal says nothing about its existence.
 * Configurable per client (`payoffNotFoundCodes`) for a gateway that spells it otherwise.
 */
export const PAYOFF_NOT_FOUND_CODE = 'B404';

export const commands = {
  voucherservicepurchase: {
    cmd: 'api/voucherservicepurchase',
    request: s.voucherServicePurchaseRequestSchema,
    response: s.voucherServicePurchaseResponseSchema,
    mutating: true,
    modes: STORE,
    // 200 資料正確: the order is open. 300 would be a failed purchase.
    answer: { ok: ['200'], declined: ['300'] },
    source: 'seed 000',
  },
  voucherservicequery: {
    cmd: 'api/voucherservicequery',
    request: s.voucherServiceQueryRequestSchema,
    response: s.voucherServiceQueryResponseSchema,
    mutating: false,
    queryFor: 'voucherservicepurchase',
    modes: STORE,
    answer: B200,
    source: 'seed 000',
  },
  vouchertransaction: {
    cmd: 'api/vouchertransaction',
    request: s.voucherTransactionRequestSchema,
    response: s.voucherTransactionResponseSchema,
    mutating: true,
    modes: STORE,
    answer: { ok: ['250'], declined: ['300'] },
    source: 'seed 000',
  },
  voucherquery: {
    cmd: 'api/voucherquery',
    request: s.voucherQueryRequestSchema,
    response: s.voucherQueryResponseSchema,
    mutating: false,
    queryFor: 'vouchertransaction',
    modes: STORE,
    answer: B200,
    source: 'seed 000',
  },
  voucherrefund: {
    cmd: 'api/voucherrefund',
    request: s.voucherRefundRequestSchema,
    response: s.voucherRefundResponseSchema,
    mutating: true,
    modes: STORE,
    answer: { ok: ['230'], declined: ['300'] },
    source: 'seed 000',
  },
  voucherrefundquery: {
    cmd: 'api/voucherrefundquery',
    request: s.voucherRefundQueryRequestSchema,
    response: s.voucherRefundQueryResponseSchema,
    mutating: false,
    queryFor: 'voucherrefund',
    modes: STORE,
    answer: B200,
    source: 'seed 000 (command name: docs/protocol.md §3)',
  },
  voucheroffline: {
    cmd: 'api/voucheroffline',
    request: s.voucherOfflineRequestSchema,
    response: s.voucherOfflineResponseSchema,
    mutating: true,
    modes: BOTH,
    answer: { ok: ['B200'], declined: [], inner: { ok: ['250'], declined: ['300'] } },
    source: 'seed 002',
  },
  esvcrefund: {
    cmd: 'api/esvcrefund',
    request: s.esvcRefundRequestSchema,
    response: s.esvcRefundResponseSchema,
    mutating: true,
    modes: BOTH,
    answer: B200,
    source: 'seed 003',
  },
  payoffremittance: {
    cmd: 'api/payoffremittance',
    request: s.payoffRemittanceRequestSchema,
    response: s.payoffRemittanceResponseSchema,
    mutating: true,
    modes: BOTH,
    answer: B200,
    source: 'docs/protocol.md §3 (not in the seeds)',
  },
  payoffquery: {
    cmd: 'api/payoffquery',
    request: s.payoffQueryRequestSchema,
    response: s.payoffQueryResponseSchema,
    mutating: false,
    queryFor: 'payoffremittance',
    modes: BOTH,
    answer: { ok: ['B200'], declined: [PAYOFF_NOT_FOUND_CODE] },
    source: 'docs/protocol.md §3 (not in the seeds)',
  },
  payoffcoveringremittance: {
    cmd: 'api/payoffcoveringremittance',
    request: s.payoffCoveringRemittanceRequestSchema,
    response: s.payoffCoveringRemittanceResponseSchema,
    mutating: true,
    modes: BOTH,
    answer: B200,
    source: 'seed 004',
  },
  orders: {
    cmd: 'api/orders',
    request: s.ordersRequestSchema,
    response: s.ordersResponseSchema,
    mutating: true,
    modes: STORE,
    answer: { ok: ['200'], declined: ['300'] },
    source: 'seed 001',
  },
  queryorder: {
    cmd: 'api/queryorder',
    request: s.queryOrderRequestSchema,
    response: s.queryOrderResponseSchema,
    mutating: false,
    queryFor: 'orders',
    modes: STORE,
    answer: { ok: null, declined: [] },
    source: 'seed 001',
  },
  refund: {
    cmd: 'api/refund',
    request: s.refundRequestSchema,
    response: s.refundResponseSchema,
    mutating: true,
    modes: STORE,
    answer: B200,
    source: 'seed 001',
  },
  refundcancel: {
    cmd: 'api/refundcancel',
    request: s.refundCancelRequestSchema,
    response: s.refundCancelResponseSchema,
    mutating: true,
    modes: STORE,
    answer: B200,
    source: 'seed 001',
  },
  cancelauthorization: {
    cmd: 'api/cancelauthorization',
    request: s.cancelAuthorizationRequestSchema,
    response: s.cancelAuthorizationResponseSchema,
    mutating: true,
    modes: STORE,
    answer: B200,
    source: 'seed 001',
  },
  authorizedrequestpayment: {
    cmd: 'api/authorizedrequestpayment',
    request: s.authorizedRequestPaymentRequestSchema,
    response: s.authorizedRequestPaymentResponseSchema,
    mutating: true,
    modes: STORE,
    answer: B200,
    source: 'seed 001',
  },
  disabledirectdebit: {
    cmd: 'api/disabledirectdebit',
    request: s.disableDirectDebitRequestSchema,
    response: s.disableDirectDebitResponseSchema,
    mutating: true,
    modes: STORE,
    answer: B200,
    source: 'seed 001',
  },
  ewalletbind: {
    cmd: 'api/ewalletbind',
    request: s.ewalletBindRequestSchema,
    response: s.ewalletBindResponseSchema,
    // It only opens a binding page, but it is a write on the gateway's side all the same: no blind retries.
    mutating: true,
    modes: STORE,
    answer: B200,
    source: 'seed 001',
  },
  issueinvoice: {
    cmd: 'api/issueinvoice',
    request: s.issueInvoiceRequestSchema,
    response: s.issueInvoiceResponseSchema,
    mutating: true,
    modes: STORE,
    answer: B200,
    source: 'seed 001',
  },
  invoice: {
    cmd: 'api/invoice',
    request: s.invoiceRequestSchema,
    response: s.invoiceResponseSchema,
    mutating: false,
    queryFor: 'issueinvoice',
    modes: STORE,
    answer: { ok: null, declined: [] },
    source: 'seed 001',
  },
  paymentsupportpaymode: {
    cmd: 'api/paymentsupportpaymode',
    request: s.paymentSupportPayModeRequestSchema,
    response: s.paymentSupportPayModeResponseSchema,
    mutating: false,
    modes: STORE,
    answer: B200,
    source: 'seed 001',
  },
} as const satisfies { readonly [K in CommandName]: CommandSpec };

export type Commands = typeof commands;
/** The normalised request of a command (what the client methods take). */
export type RequestOf<K extends CommandName> = z.output<Commands[K]['request']>;
/** The wire form of a command's request (what travels inside `encry_data`). */
export type WireRequestOf<K extends CommandName> = z.input<Commands[K]['request']>;
/** The normalised answer of a command (what the client methods return). */
export type ResponseOf<K extends CommandName> = z.output<Commands[K]['response']>;
/** The wire form of a command's answer. */
export type WireResponseOf<K extends CommandName> = z.input<Commands[K]['response']>;

/** The `service` plaintext of a command: `{"service_name":"api","cmd":"api/<command>"}`. */
export function serviceOf(cmd: string): { service_name: 'api'; cmd: string } {
  return { service_name: 'api', cmd };
}
