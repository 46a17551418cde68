/** A journal line of a posting: the account, its party (an SQL expression over `m`, or NULL), `m.amount`'s sign. */
export type PostingLine = readonly [account: string, party: string, sign: 1 | -1];

/**
 * The statement that posts one entry per moved operation (`$1` the run's id, `$2` its end date): `moved` selects
 * (id, order_id, moved_on, amount, and what the parties read); each one moved by the end date, by a positive
 * amount, gets an entry of `kind` (reference its id, dated `moved_on` or the first open day when that day is
 * closed) with `lines`, in their order. `(kind, reference)` unique: run again, it posts nothing twice. It
 * returns the count of entries posted. `before` is CTEs `moved` may read, written first (`name AS (...), `):
 * a data-modifying one (taking rows off a queue) then shares the posting's snapshot and commits with it.
 */
export function postingSql(kind: string, moved: string, lines: readonly PostingLine[], before = ''): string {
  const values = lines
    .map(([account, party, sign]) => `('${account}', ${party}, ${sign} * m.amount)`)
    .join(',\n');
  return `WITH ${before}moved AS (${moved}),
     dated AS (
       SELECT m.*, GREATEST(m.moved_on, books_open_from()) AS business_date
         FROM moved m WHERE m.moved_on <= $2::date AND m.amount > 0),
     entries AS (
       INSERT INTO journal_entries (run_id, kind, reference, business_date, description)
       SELECT $1::uuid, '${kind}', d.id::text, d.business_date, '${kind} order ' || d.order_id
         FROM dated d
       ON CONFLICT DO NOTHING
       RETURNING id, reference, business_date),
     lines AS (
       INSERT INTO journal_lines (entry_id, account, ledger, party, amount, serial_number, business_date)
       SELECT e.id, l.account, NULL, l.party, l.amount, NULL, e.business_date
         FROM entries e JOIN dated m ON m.id::text = e.reference
         CROSS JOIN LATERAL (VALUES ${values}) AS l(account, party, amount)
       RETURNING 1)
     SELECT count(*)::text AS count FROM entries`;
}
