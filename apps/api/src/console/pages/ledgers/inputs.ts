import { z } from 'zod';
import type { Ledger } from './ledger-reads';

/** The inputs of the ledgers' pages and routes, read by the same schemas (a bad one is 400 with its field). */

/** A party as the journal names it (`hq:<uid>`, `<uid>:store:<ref>`): printable, at most 120 characters. */
const party = z
  .string()
  .min(1)
  .max(120)
  .regex(/^[^\p{Cc}]+$/u, 'printable text');

export const ledgerParams = z.object({
  ledger: z.enum(['headquarters', 'sales', 'reimbursement'] as const satisfies readonly Ledger[]),
});
export const partyParams = ledgerParams.extend({ party });
export const entryParams = z.object({ id: z.string().regex(/^\d{1,18}$/, 'an entry id (digits)') });

const limit = z.coerce.number().int().min(1).max(200).default(50);
export const partiesQuery = z.object({ after: party.optional(), limit });
export const entriesQuery = z.object({
  before: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}\.\d{1,18}$/, 'the `next` of the previous page (<day>.<entry id>)')
    .optional(),
  limit,
});
