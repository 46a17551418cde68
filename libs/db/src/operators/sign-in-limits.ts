import type { DataSource } from 'typeorm';
import { secretHash } from './secrets';

/** How many failures a window allows, per name tried and per client address, and how long a window lasts. */
export interface SignInLimitPolicy {
  perName: number;
  perAddress: number;
  windowSeconds: number;
}

/** What a sign-in attempt is counted under: the name tried (absent for a one-time link) and the address. */
export interface SignInKeys {
  name?: string;
  address: string;
}

/**
 * Failed sign-ins counted in PostgreSQL (operator_sign_in_failures), so every API process sharing the database
 * counts the same failures. A key's window opens at its first failure and lasts `windowSeconds` (the database's
 * clock, one for all replicas); at `perName` / `perAddress` failures in it the key is limited until it ends.
 * Names and addresses are kept as SHA-256 only. Ended windows are deleted as failures are recorded.
 */
export class SignInLimits {
  constructor(
    private readonly dataSource: DataSource,
    private readonly policy: SignInLimitPolicy,
  ) {}

  /** Whether any of the keys has used up its window's failures. */
  async isLimited(keys: SignInKeys): Promise<boolean> {
    const counted = this.counted(keys);
    const rows = await this.dataSource.query<{ key_hash: string; failures: number }[]>(
      `SELECT key_hash, failures FROM operator_sign_in_failures
        WHERE key_hash = ANY($1::text[]) AND window_start > now() - make_interval(secs => $2)`,
      [counted.map((c) => c.hash), this.policy.windowSeconds],
    );
    return rows.some((row) => row.failures >= (counted.find((c) => c.hash === row.key_hash)?.limit ?? 0));
  }

  /** Counts one failure under each key (a fresh window if its last one ended), and prunes ended windows. */
  async recordFailure(keys: SignInKeys): Promise<void> {
    // In one order whatever the keys: two processes upserting the same two rows never deadlock.
    const hashes = this.counted(keys)
      .map((c) => c.hash)
      .sort();
    await this.dataSource.query(
      `INSERT INTO operator_sign_in_failures AS f (key_hash, failures, window_start)
       SELECT k, 1, now() FROM unnest($1::text[]) AS k ORDER BY k
       ON CONFLICT (key_hash) DO UPDATE SET
         failures = CASE WHEN f.window_start > now() - make_interval(secs => $2) THEN f.failures + 1 ELSE 1 END,
         window_start = CASE WHEN f.window_start > now() - make_interval(secs => $2) THEN f.window_start
                             ELSE now() END`,
      [hashes, this.policy.windowSeconds],
    );
    await this.dataSource.query(
      'DELETE FROM operator_sign_in_failures WHERE window_start <= now() - make_interval(secs => $1)',
      [this.policy.windowSeconds],
    );
  }

  private counted(keys: SignInKeys): { hash: string; limit: number }[] {
    const counted = [{ hash: secretHash(`address\0${keys.address}`), limit: this.policy.perAddress }];
    if (keys.name !== undefined)
      counted.push({ hash: secretHash(`name\0${keys.name.slice(0, 64)}`), limit: this.policy.perName });
    return counted;
  }
}
