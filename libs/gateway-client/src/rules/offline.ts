import type { z } from 'zod';
import type { voucherOfflineRequestShape } from '../schemas/voucheroffline';
import { issue, type RuleIssue } from './issues';

/*
 * The offline redemption rules of seed 002 (docs/protocol.md §3), on the normalised request: the fields required
 * by `reimbursement_from_type`, the two `pay_token` formats, `issuance_uid` for physical vouchers, and the
 * invoice that `issue_invoice_state = 1` requires.
 */

type OfflineRequest = z.output<typeof voucherOfflineRequestShape>;

export const OFFLINE_RULE = {
  reimbursementStoreRequired: 'REIMBURSEMENT_STORE_REQUIRED',
  reimbursementDealerRequired: 'REIMBURSEMENT_DEALER_REQUIRED',
  payTokenFormat: 'PAY_TOKEN_FORMAT',
  payTokenDuplicate: 'PAY_TOKEN_DUPLICATE',
  payTokenDigitalTwice: 'PAY_TOKEN_DIGITAL_TWICE',
  issuanceUidRequired: 'ISSUANCE_UID_REQUIRED',
  invoiceRequired: 'INVOICE_REQUIRED',
  invoiceNotAllowed: 'INVOICE_NOT_ALLOWED',
} as const;

/** Format 1: `MYTIX` + 16 characters, 21 in all (a digital voucher). */
export const DIGITAL_PAY_TOKEN = /^MYTIX[A-Za-z0-9]{16}$/;
/** A physical serial in format 2, e.g. `WU00000001`. The seed gives no limit; we hold it to the serial rules. */
const PHYSICAL_SERIAL = /^[A-Za-z0-9]{1,32}$/;

const present = (text: string | undefined): boolean => text !== undefined && text.trim() !== '';

export function offlineRequestIssues(request: OfflineRequest): RuleIssue[] {
  const issues: RuleIssue[] = [];
  // 1 (MYTIX store) is the documented default when the field is absent.
  const fromType = request.reimbursement_from_type ?? 1;
  if (fromType === 1 && !present(request.reimbursement_store_uid)) {
    issues.push(
      issue(
        OFFLINE_RULE.reimbursementStoreRequired,
        ['reimbursement_store_uid'],
        'Required when reimbursement_from_type is 1.',
      ),
    );
  }
  if (fromType === 2 && !present(request.reimbursement_dealer_no)) {
    issues.push(
      issue(
        OFFLINE_RULE.reimbursementDealerRequired,
        ['reimbursement_dealer_no'],
        'Required when reimbursement_from_type is 2.',
      ),
    );
  }
  issues.push(...payTokenIssues(request));
  const state = request.issue_invoice_state ?? 0;
  if (state === 1 && (request.invoice === undefined || request.invoice === null)) {
    issues.push(issue(OFFLINE_RULE.invoiceRequired, ['invoice'], 'Required when issue_invoice_state is 1.'));
  }
  if (state === 0 && request.invoice !== undefined && request.invoice !== null) {
    issues.push(issue(OFFLINE_RULE.invoiceNotAllowed, ['invoice'], 'Only with issue_invoice_state 1.'));
  }
  return issues;
}

function payTokenIssues(request: OfflineRequest): RuleIssue[] {
  const token = request.pay_token;
  if (typeof token === 'string') {
    return DIGITAL_PAY_TOKEN.test(token)
      ? []
      : [
          issue(
            OFFLINE_RULE.payTokenFormat,
            ['pay_token'],
            'Expected MYTIX + 16 characters, or a JSON array of serials.',
          ),
        ];
  }
  const issues: RuleIssue[] = [];
  if (token.length === 0) {
    issues.push(issue(OFFLINE_RULE.payTokenFormat, ['pay_token'], 'The serial list is empty.'));
  }
  const seen = new Set<string>();
  let digital = 0;
  let physical = 0;
  token.forEach((entry, k) => {
    if (DIGITAL_PAY_TOKEN.test(entry)) digital += 1;
    else if (PHYSICAL_SERIAL.test(entry)) physical += 1;
    else
      issues.push(issue(OFFLINE_RULE.payTokenFormat, ['pay_token', k], 'Not a digital token nor a serial.'));
    if (seen.has(entry))
      issues.push(issue(OFFLINE_RULE.payTokenDuplicate, ['pay_token', k], 'Listed twice.'));
    seen.add(entry);
  });
  // "混合時,若有數位券只使用限定一組": a mixed list may hold one digital token at most.
  if (digital > 1) {
    issues.push(
      issue(OFFLINE_RULE.payTokenDigitalTwice, ['pay_token'], 'At most one digital token per redemption.'),
    );
  }
  if (physical > 0 && !present(request.issuance_uid)) {
    issues.push(issue(OFFLINE_RULE.issuanceUidRequired, ['issuance_uid'], 'Required for physical vouchers.'));
  }
  return issues;
}
