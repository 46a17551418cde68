import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import {
  needsRehash,
  hashPassword,
  newSecret,
  OPERATOR_NAME,
  OperatorEntity,
  type OperatorRole,
  recordAudit,
  SECRET_SHAPE,
  secretHash,
  SignInLimits,
  verifyPassword,
} from '@tixclear/db';
import { DataSource, type EntityManager } from 'typeorm';
import { ConsoleError, ConsoleErrorCode } from './console-errors';

/** A session ends this long after sign-in whatever happens, */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;
/** or after this long without a request. */
export const SESSION_IDLE_MS = 30 * 60 * 1000;
/** last_seen_at is written at most this often (a page's burst of reads is one write). */
const TOUCH_EVERY_MS = 60 * 1000;
/** Failed sign-ins per minute, per name tried and per client address, before `429`. */
export const SIGN_IN_FAILURES_PER_NAME = 5;
export const SIGN_IN_FAILURES_PER_ADDRESS = 20;
export const SIGN_IN_WINDOW_SECONDS = 60;

/** The audit's actor for a refused sign-in that names no operator. */
export const UNKNOWN_ACTOR = '-';

/** A signed-in operator, as read at this request (role and enablement are never cached across requests). */
export interface ConsoleSession {
  idHash: string;
  operatorId: string;
  name: string;
  role: OperatorRole;
  csrfToken: string;
}

/** The CSRF token of a session: derived from its id (so it needs no storage), and revealing nothing of it. */
export function csrfTokenOf(sessionId: string): string {
  return createHash('sha256').update(`tixclear console csrf\0${sessionId}`).digest('base64url');
}

/**
 * Sign-in, one-time links, sessions and sign-out, each recorded in operator_audit (failures too). A sign-in
 * always opens a new session with a fresh random id (a session id planted beforehand is never adopted); only
 * the id's SHA-256 is stored.
 */
@Injectable()
export class ConsoleSessions {
  /** Counted in the database (operator_sign_in_failures): the limits hold across API replicas. */
  readonly #limits: SignInLimits;

  constructor(private readonly dataSource: DataSource) {
    this.#limits = new SignInLimits(dataSource, {
      perName: SIGN_IN_FAILURES_PER_NAME,
      perAddress: SIGN_IN_FAILURES_PER_ADDRESS,
      windowSeconds: SIGN_IN_WINDOW_SECONDS,
    });
  }

  /**
   * Name and password → a new session id. Unknown name, wrong password, no password set, or disabled: one
   * answer (`SIGN_IN_FAILED`) after the same scrypt work (an unknown name is compared against a dummy hash),
   * so neither the answer nor its timing says which names exist.
   */
  async signIn(
    name: string,
    password: string,
    address: string,
  ): Promise<{ sessionId: string; session: ConsoleSession }> {
    const keys = { name, address };
    if (await this.#limits.isLimited(keys)) {
      await recordAudit(this.dataSource.manager, {
        actor: await this.knownName(name),
        action: 'session.sign_in',
        outcome: ConsoleErrorCode.RateLimited,
        clientAddress: address,
      });
      throw new ConsoleError(ConsoleErrorCode.RateLimited, 'too many failed sign-ins; try again in a minute');
    }
    const operator = OPERATOR_NAME.test(name)
      ? await this.dataSource.getRepository(OperatorEntity).findOneBy({ name })
      : null;
    const matches = await verifyPassword(password, operator?.passwordHash ?? null);
    if (!operator || !matches || operator.disabledAt !== null) {
      await this.#limits.recordFailure(keys);
      await recordAudit(this.dataSource.manager, {
        // A name that is no operator's is not kept: people type their password into the name field.
        actor: operator ? operator.name : UNKNOWN_ACTOR,
        action: 'session.sign_in',
        outcome: ConsoleErrorCode.SignInFailed,
        clientAddress: address,
      });
      throw new ConsoleError(ConsoleErrorCode.SignInFailed, 'wrong name or password');
    }
    const upgraded =
      operator.passwordHash && needsRehash(operator.passwordHash) ? await hashPassword(password) : null;
    return this.dataSource.transaction(async (tx) => {
      if (upgraded) await tx.update(OperatorEntity, { id: operator.id }, { passwordHash: upgraded });
      return this.open(tx, operator, 'session.sign_in', address);
    });
  }

  /**
   * A one-time link's token → a new session. The link is spent by a conditional UPDATE (unused, unexpired), so
   * two uses at once open one session; unknown, used and expired tokens get one answer.
   */
  async redeemLink(token: string, address: string): Promise<{ sessionId: string; session: ConsoleSession }> {
    if (await this.#limits.isLimited({ address }))
      throw new ConsoleError(ConsoleErrorCode.RateLimited, 'too many failed sign-ins; try again in a minute');
    const opened = SECRET_SHAPE.test(token)
      ? await this.dataSource.transaction(async (tx) => {
          // An UPDATE's answer is [rows, count].
          const [[link]] = await tx.query<[{ operator_id: string }[], number]>(
            `UPDATE operator_login_links l SET used_at = now()
               FROM operators o
              WHERE l.token_hash = $1 AND l.used_at IS NULL AND l.expires_at > now()
                AND o.id = l.operator_id AND o.disabled_at IS NULL
              RETURNING l.operator_id`,
            [secretHash(token)],
          );
          if (!link) return null;
          const operator = await tx.getRepository(OperatorEntity).findOneByOrFail({ id: link.operator_id });
          return this.open(tx, operator, 'session.login_link', address);
        })
      : null;
    if (!opened) {
      await this.#limits.recordFailure({ address });
      await recordAudit(this.dataSource.manager, {
        actor: UNKNOWN_ACTOR,
        action: 'session.login_link',
        outcome: ConsoleErrorCode.LinkInvalid,
        clientAddress: address,
      });
      throw new ConsoleError(ConsoleErrorCode.LinkInvalid, 'this sign-in link is unknown, used or expired');
    }
    return opened;
  }

  /**
   * Whether `password` is the signed-in operator's own, before they change it (true when they have none yet,
   * as after a first one-time link). A wrong one counts as a failed sign-in of their name and address, under the
   * same limits (`RATE_LIMITED`).
   */
  async confirmOwnPassword(session: ConsoleSession, password: string, address: string): Promise<boolean> {
    const keys = { name: session.name, address };
    if (await this.#limits.isLimited(keys))
      throw new ConsoleError(ConsoleErrorCode.RateLimited, 'too many failed sign-ins; try again in a minute');
    const operator = await this.dataSource
      .getRepository(OperatorEntity)
      .findOneByOrFail({ id: session.operatorId });
    if (operator.passwordHash === null) return true;
    if (await verifyPassword(password, operator.passwordHash)) return true;
    await this.#limits.recordFailure(keys);
    return false;
  }

  /** The live session of a cookie's id, or null: expired, idle too long, signed out, or its operator disabled. */
  async resolve(sessionId: string | undefined, now = new Date()): Promise<ConsoleSession | null> {
    if (!sessionId || !SECRET_SHAPE.test(sessionId)) return null;
    const idHash = secretHash(sessionId);
    const [row] = await this.dataSource.query<
      { operator_id: string; name: string; role: OperatorRole; last_seen_at: Date }[]
    >(
      `SELECT s.operator_id, o.name, o.role, s.last_seen_at
         FROM operator_sessions s JOIN operators o ON o.id = s.operator_id
        WHERE s.id_hash = $1 AND o.disabled_at IS NULL AND s.expires_at > $2 AND s.last_seen_at > $3`,
      [idHash, now, new Date(now.getTime() - SESSION_IDLE_MS)],
    );
    if (!row) return null;
    if (now.getTime() - row.last_seen_at.getTime() > TOUCH_EVERY_MS) {
      await this.dataSource.query('UPDATE operator_sessions SET last_seen_at = $2 WHERE id_hash = $1', [
        idHash,
        now,
      ]);
    }
    return {
      idHash,
      operatorId: row.operator_id,
      name: row.name,
      role: row.role,
      csrfToken: csrfTokenOf(sessionId),
    };
  }

  /** Ends a session (its row deleted: the id is worthless from now on). */
  async signOut(session: ConsoleSession, address: string): Promise<void> {
    await this.dataSource.transaction(async (tx) => {
      await tx.query('DELETE FROM operator_sessions WHERE id_hash = $1', [session.idHash]);
      await recordAudit(tx, {
        actor: session.name,
        actorRole: session.role,
        action: 'session.sign_out',
        target: session.name,
        clientAddress: address,
      });
    });
  }

  /** Ends a session a new sign-in replaces (the cookie the browser held), without an audit line of its own. */
  async discard(sessionId: string | undefined): Promise<void> {
    if (sessionId && SECRET_SHAPE.test(sessionId))
      await this.dataSource.query('DELETE FROM operator_sessions WHERE id_hash = $1', [
        secretHash(sessionId),
      ]);
  }

  /** The name if it is an operator's, else UNKNOWN_ACTOR (for the audit of a refused sign-in). */
  private async knownName(name: string): Promise<string> {
    if (!OPERATOR_NAME.test(name)) return UNKNOWN_ACTOR;
    const found = await this.dataSource.getRepository(OperatorEntity).existsBy({ name });
    return found ? name : UNKNOWN_ACTOR;
  }

  private async open(
    tx: EntityManager,
    operator: OperatorEntity,
    action: string,
    address: string,
  ): Promise<{ sessionId: string; session: ConsoleSession }> {
    const sessionId = newSecret();
    const idHash = secretHash(sessionId);
    const now = new Date();
    await tx.query(
      `INSERT INTO operator_sessions (id_hash, operator_id, last_seen_at, expires_at) VALUES ($1, $2, $3, $4)`,
      [idHash, operator.id, now, new Date(now.getTime() + SESSION_TTL_MS)],
    );
    // Sessions long over are swept as new ones open: the table holds live sessions and a few stale ones.
    await tx.query(
      'DELETE FROM operator_sessions WHERE operator_id = $1 AND (expires_at < $2 OR last_seen_at < $3)',
      [operator.id, now, new Date(now.getTime() - SESSION_IDLE_MS)],
    );
    await recordAudit(tx, {
      actor: operator.name,
      actorRole: operator.role,
      action,
      target: operator.name,
      clientAddress: address,
    });
    return {
      sessionId,
      session: {
        idHash,
        operatorId: operator.id,
        name: operator.name,
        role: operator.role,
        csrfToken: csrfTokenOf(sessionId),
      },
    };
  }
}
