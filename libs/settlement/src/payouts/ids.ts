import { createHash } from 'node:crypto';

/*
 * Gateway ids are derived, never drawn: a batch rebuilt or resent after a crash carries the same group_id and
 * item ids, so the gateway's uniqueness of group_id turns a duplicate into a refusal instead of a second
 * remittance. Hex of SHA-256 keeps them within the protocol's 50 characters and [A-Za-z0-9] whatever the
 * merchant uid or party looks like (a party holds ':').
 */

const digest = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, 40);

/**
 * The `group_id` of a run's batch for one paying merchant (42 characters). `revision` counts the times the
 * batch was re-formed after the gateway refused its creation: each has its own id, derived. `without` names the
 * item a revision leaves out while the refused item is searched for (submitter.ts), so the id says what it holds.
 */
export function groupIdFor(runId: string, payingMerchant: string, revision = 0, without?: string): string {
  const suffix =
    (revision === 0 ? '' : `|${revision}`) + (without === undefined ? '' : `|without|${without}`);
  return `PB${digest(`batch|${runId}|${payingMerchant}${suffix}`)}`;
}

/**
 * The gateway id of a run's item for one payee (42 characters; one item per payee and run). The merchant is
 * part of it so that a payee whose earlier payable is still owed through another merchant cannot collide.
 */
export function itemIdFor(runId: string, payingMerchant: string, party: string): string {
  return `PI${digest(`item|${runId}|${payingMerchant}|${party}`)}`;
}
