import type { Operations } from '@tixclear/operations';

/**
 * `settle redemption-mismatch …`: the operator's answer to a redemption whose answer named other vouchers than
 * it held (an open `redemption_mismatch` item), after looking at the gateway.
 *   redemption-mismatch redeemed|not-redeemed <operation id> <serial> [--by NAME]
 *   redemption-mismatch acknowledge <operation id> [--by NAME]     (nothing of ours is held any more)
 */
export async function redemptionMismatchCommand(
  operations: Pick<Operations, 'redemptionMismatch'>,
  args: readonly string[],
  by: string,
  usage: (message: string) => Error,
): Promise<unknown> {
  const [action, operationId, serial] = args;
  if (action === 'acknowledge' && operationId)
    return operations.redemptionMismatch.acknowledge(operationId, by);
  if ((action === 'redeemed' || action === 'not-redeemed') && operationId && serial) {
    const verdict = action === 'redeemed' ? 'redeemed' : 'not_redeemed';
    return operations.redemptionMismatch.decide(operationId, serial, verdict, by);
  }
  throw usage(
    'redemption-mismatch redeemed|not-redeemed <operation id> <serial> | acknowledge <operation id>',
  );
}
