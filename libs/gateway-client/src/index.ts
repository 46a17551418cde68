/*
 * @tixclear/gateway-client: typed access to the MyPay MYTIX / MYPAY LINK gateway (see README.md).
 */

// The client
export { GatewayClient, GATEWAY_URL } from './client';
export type { CallOptions, GatewayClientConfig, GatewayMerchant } from './client';

// The command registry and the schemas (the source of every wire and normalised type)
export { COMMAND_NAMES, commands, PAYOFF_NOT_FOUND_CODE, serviceOf } from './commands';
export type {
  AnswerRule,
  CommandName,
  CommandSpec,
  Commands,
  MerchantMode,
  RequestOf,
  ResponseOf,
  WireRequestOf,
  WireResponseOf,
} from './commands';
export * from './schemas';
export { readAnswer } from './answer';
export type { AnswerVerdict } from './answer';

// Errors and retries
export {
  FAILURE_REASONS,
  GatewayError,
  GatewayInvalidResponseError,
  GatewayOutcomeUnknownError,
  GatewayRejectedError,
  GatewayRequestInvalidError,
  GatewayUnavailableError,
  NOT_SENT_REASONS,
  certainlyNotSent,
  errnoOf,
  gatewayErrorFrom,
} from './errors';
export type {
  FailureReason,
  GatewayErrorCode,
  GatewayErrorContext,
  GatewayFailure,
  GatewayIssue,
} from './errors';
export {
  DEFAULT_RETRY,
  DEFAULT_TIMEOUT_MS,
  RETRY_TABLE,
  backoffDelay,
  decideRetry,
  longestCallMs,
  parseRetryAfter,
} from './retry-policy';
export type { RetryDecision, RetryInput, RetryOptions, RetryRow, RetryVerdict } from './retry-policy';

export { callGateway } from './call-outcome';
export type { CallOutcome } from './call-outcome';

// Resolving unknown outcomes
export {
  resolvePayoffCovering,
  resolvePayoffCreate,
  resolveVoucherOffline,
  resolveVoucherPurchase,
  resolveVoucherRedeem,
  resolveVoucherRefund,
  resolutionOf,
} from './resolve';
export type { Resolution } from './resolve';

// Business rules of requests (shared with the API and the simulator)
export { fieldName, refineWith } from './rules/issues';
export type { RuleIssue } from './rules/issues';
export { MIN_VOUCHER_VALUE, PURCHASE_RULE, purchaseRequestIssues } from './rules/purchase';
export { DIGITAL_PAY_TOKEN, OFFLINE_RULE, offlineRequestIssues } from './rules/offline';
export { VOUCHER_RULE, distinctVoucherRefs } from './rules/vouchers';
export { ITEMS_RULE, itemsMatchCost } from './rules/items';
export { PAYOFF_RULE, payoffCoveringIssues, payoffCreateIssues } from './rules/payoff';

// Notifications (background reports)
export {
  NOTIFICATION_ACK,
  NotificationInvalidError,
  detectNotificationKind,
  ewalletReport,
  notificationAck,
  notificationSchemas,
  parseNotification,
  readNotificationFields,
} from './notifications/notifications';
export type {
  EwalletReport,
  Notification,
  NotificationErrorReason,
  NotificationKind,
  ParseNotificationInput,
} from './notifications/notifications';
export {
  FormNestingError,
  httpBuildQuery,
  MAX_FORM_DEPTH,
  parseFormBody,
  phpUrlencode,
} from './wire/php-form';

// Wire building blocks
export * as fields from './wire/fields';
export { canonicalDecimal, compareDecimals, parseDecimal, sumDecimals } from './wire/decimal';
export type { ScaledDecimal } from './wire/decimal';
export { parseWholeTwd } from './wire/money';
export { addCalendar } from './wire/taiwan-time';
export { parseJsonStringArray } from './wire/json-in-string';
export { encodeBody } from './http/transport';
export type { BodyEncoding } from './http/transport';
