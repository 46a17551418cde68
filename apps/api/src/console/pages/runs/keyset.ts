/**
 * The keyset cursors of the runs, pay-off and payments lists: `<instant>_<uuid>`, the instant to the microsecond
 * as PostgreSQL keeps it (a JS Date keeps milliseconds: a cursor cut to them would list a row twice).
 */
const CURSOR =
  /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z)_([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

export const isKeysetCursor = (value: string): boolean => CURSOR.test(value);

/** The cursor's instant and id as query parameters; both null without a cursor (the first page). */
export function cursorParams(cursor: string | undefined): [string | null, string | null] {
  const match = cursor ? CURSOR.exec(cursor) : null;
  return [match?.[1] ?? null, match?.[2] ?? null];
}

/** SQL making a row's cursor from its timestamptz column and its uuid column. */
export function cursorSql(instant: string, id: string): string {
  return `to_char(${instant} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') || '_' || ${id}::text`;
}
