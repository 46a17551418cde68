import { certainlyNotSent, GatewayError, GatewayRejectedError, GatewayRequestInvalidError } from './errors';
import type { GatewayIssue } from './errors';

/**
 * What a mutating gateway call means for our records, in four cases:
 * - `ok`: it took effect, here is the answer;
 * - `rejected`: the gateway definitely refused it (nothing happened there), or our own request check refused to
 *   send it (`code` 100, its findings by field in `issues`);
 * - `not_sent`: it certainly never left (no connection to the gateway was ever open for it: refused, DNS, TLS,
 *   a connect timeout): the intent can be undone;
 * - `unknown`: it may have taken effect (timeout, lost connection, any non-2xx HTTP answer, `400`, unreadable
 *   answer, a refusal on a retry): only a query decides, never a guess.
 * Errors that are not the gateway's propagate.
 */
export type CallOutcome<T> =
  | { kind: 'ok'; value: T }
  /** `answer`: the gateway's whole refusal, when it sent one (an offline `B200` with `content.code` 300). */
  | { kind: 'rejected'; code: string; message: string; issues: readonly GatewayIssue[]; answer?: unknown }
  | { kind: 'not_sent'; error: GatewayError }
  | { kind: 'unknown'; error: GatewayError };

export async function callGateway<T>(call: () => Promise<T>): Promise<CallOutcome<T>> {
  try {
    return { kind: 'ok', value: await call() };
  } catch (error) {
    if (error instanceof GatewayRejectedError) {
      return {
        kind: 'rejected',
        code: error.gatewayCode ?? 'B500',
        message: error.gatewayMessage ?? error.message,
        issues: [],
        answer: error.body,
      };
    }
    // Our own check refused to send it: nothing left this process.
    if (error instanceof GatewayRequestInvalidError) {
      return { kind: 'rejected', code: '100', message: error.message, issues: error.issues };
    }
    if (error instanceof GatewayError && certainlyNotSent(error)) return { kind: 'not_sent', error };
    if (error instanceof GatewayError) return { kind: 'unknown', error };
    throw error;
  }
}
