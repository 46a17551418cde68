import pg from 'pg';

/**
 * What the server's autovacuum workers did while a timed step ran: pg_stat_activity sampled every
 * `intervalMs` on a connection of its own, each worker's command (`VACUUM public.vouchers`, `ANALYZE …`) counted
 * for the time it was seen. They share the cores with the step, and on a database with history they work on
 * tables of months, so a step's time can grow with history that the step itself never reads.
 */
export class AutovacuumWatch {
  readonly #client: pg.Client;
  readonly #seen = new Map<string, number>();
  #timer: NodeJS.Timeout | undefined;
  #sampling: Promise<void> = Promise.resolve();

  private constructor(client: pg.Client) {
    this.#client = client;
  }

  static async open(connectionString: string): Promise<AutovacuumWatch> {
    const client = new pg.Client({ connectionString });
    await client.connect();
    return new AutovacuumWatch(client);
  }

  /** Starts counting afresh. */
  start(intervalMs = 250): void {
    this.#seen.clear();
    this.#timer = setInterval(() => {
      this.#sampling = this.#sampling.then(() => this.#sample(intervalMs / 1000)).catch(() => undefined);
    }, intervalMs);
  }

  /** Stops, and says what was seen: `VACUUM public.vouchers 3.2 s, …`, the longest first, or `none`. */
  async stop(): Promise<string> {
    clearInterval(this.#timer);
    await this.#sampling;
    const seen = [...this.#seen].sort(([, a], [, b]) => b - a);
    return seen.length === 0 ? 'none' : seen.map(([command, s]) => `${command} ${s.toFixed(1)} s`).join(', ');
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.#client.end();
  }

  async #sample(seconds: number): Promise<void> {
    const { rows } = await this.#client.query<{ query: string }>(
      `SELECT regexp_replace(query, '^autovacuum: ', '') AS query FROM pg_stat_activity
        WHERE backend_type = 'autovacuum worker' AND query <> ''`,
    );
    for (const { query } of rows) this.#seen.set(query, (this.#seen.get(query) ?? 0) + seconds);
  }
}
