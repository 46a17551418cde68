import { ManualClock } from '@tixclear/gateway-simulator';
import type { DataSource } from 'typeorm';

/**
 * The simulated clock: one ManualClock read by the gateway simulator, the operations, the gateway clients and the
 * pay-offs, and mirrored into the database so that the timestamps PostgreSQL stamps itself (`created_at`,
 * `updated_at`, `received_at` defaults) are simulated time too. The reconciler compares those columns with
 * `Clock.now()`: both must tell the same time, or every operation would look as old as the simulation is fast.
 */
export class SimClock {
  readonly manual: ManualClock;

  constructor(
    start: Date,
    private readonly dataSource: DataSource,
  ) {
    this.manual = new ManualClock(start);
  }

  now(): Date {
    return this.manual.now();
  }

  /** Moves time on, in the process and in the database. */
  async advance(ms: number): Promise<void> {
    this.manual.advance(ms);
    await this.sync();
  }

  async set(at: Date): Promise<void> {
    this.manual.set(at);
    await this.sync();
  }

  async sync(): Promise<void> {
    await this.dataSource.query(`UPDATE sim_clock SET now = $1 WHERE id = 1`, [this.now()]);
  }
}

/** Self-stamped timestamp columns: stamped from `sim_clock` instead of the server's time. */
const STAMPED = ['created_at', 'updated_at', 'received_at'];

/**
 * Makes the database's own timestamps simulated time: a one-row `sim_clock` table and, on every table with a
 * self-stamped column, a trigger that stamps it from that row on insert (and `updated_at` on update). Only
 * for the simulation's scratch database, after its migrations; nothing of it is in the schema.
 */
export async function installSimulatedTime(dataSource: DataSource, start: Date): Promise<void> {
  await dataSource.query(`CREATE TABLE sim_clock (id int PRIMARY KEY, now timestamptz NOT NULL)`);
  await dataSource.query(`INSERT INTO sim_clock (id, now) VALUES (1, $1)`, [start]);
  await dataSource.query(
    `CREATE FUNCTION sim_now() RETURNS timestamptz LANGUAGE sql STABLE AS 'SELECT now FROM sim_clock WHERE id = 1'`,
  );
  const columns = await dataSource.query<{ table_name: string; column_name: string }[]>(
    // A partition gets its partitioned table's trigger (PostgreSQL clones it): only tables that are not one.
    `SELECT c.table_name, c.column_name FROM information_schema.columns c
       JOIN pg_class t ON t.relname = c.table_name AND t.relnamespace = 'public'::regnamespace
      WHERE c.table_schema = 'public' AND c.column_name = ANY($1) AND c.data_type LIKE 'timestamp%'
        AND c.table_name <> 'sim_clock' AND NOT t.relispartition
      ORDER BY c.table_name, c.column_name`,
    [STAMPED],
  );
  const byTable = new Map<string, string[]>();
  for (const { table_name, column_name } of columns) {
    byTable.set(table_name, [...(byTable.get(table_name) ?? []), column_name]);
  }
  for (const [table, cols] of byTable) {
    const onInsert = cols.map((c) => `NEW.${c} := sim_now();`).join(' ');
    const onUpdate = cols.includes('updated_at') ? 'NEW.updated_at := sim_now();' : '';
    await dataSource.query(
      `CREATE FUNCTION sim_stamp_${table}() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF TG_OP = 'INSERT' THEN ${onInsert} ELSE ${onUpdate || 'NULL;'} END IF;
         RETURN NEW;
       END $$`,
    );
    await dataSource.query(
      `CREATE TRIGGER sim_stamp BEFORE INSERT OR UPDATE ON "${table}"
         FOR EACH ROW EXECUTE FUNCTION sim_stamp_${table}()`,
    );
  }
}
