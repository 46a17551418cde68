import type { DataSource, EntityManager } from 'typeorm';
import { OperatorEntity } from '../entities/operator.entity';
import { operatorRoles, type OperatorRole } from '../state-checks';
import { recordAudit } from './audit';
import { hashPassword } from './password';
import { newSecret, secretHash } from './secrets';

/*
 * Operator accounts, for `npm run operators` and the console's admin routes alike: each change is recorded in
 * operator_audit in its own transaction, with the account before and after (never the password hash).
 */

export const OPERATOR_NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;
/** How long a one-time sign-in link stays usable. */
export const LOGIN_LINK_TTL_MS = 10 * 60 * 1000;

export class OperatorAccountError extends Error {
  constructor(
    readonly code:
      | 'OPERATOR_NOT_FOUND'
      | 'OPERATOR_EXISTS'
      | 'OPERATOR_INVALID'
      | 'OPERATOR_DISABLED'
      /** The change would leave no enabled admin (disabling or demoting the last one). */
      | 'OPERATOR_LAST_ADMIN',
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'OperatorAccountError';
  }
}

/** Who acts on an account: an operator of the console, or `cli:<user>`. */
export interface AccountActor {
  actor: string;
  actorRole?: string | null;
  clientAddress?: string | null;
}

/** An account as shown and audited (never its hash). */
export interface OperatorView {
  id: string;
  name: string;
  role: OperatorRole;
  hasPassword: boolean;
  createdAt: Date;
  disabledAt: Date | null;
}

export function viewOf(operator: OperatorEntity): OperatorView {
  return {
    id: operator.id,
    name: operator.name,
    role: operator.role,
    hasPassword: operator.passwordHash !== null,
    createdAt: operator.createdAt,
    disabledAt: operator.disabledAt,
  };
}

export function isOperatorRole(value: unknown): value is OperatorRole {
  return typeof value === 'string' && (operatorRoles as readonly string[]).includes(value);
}

function checkName(name: string): void {
  if (!OPERATOR_NAME.test(name))
    throw new OperatorAccountError('OPERATOR_INVALID', 'a name is 1–64 of A-Z a-z 0-9 . _ @ -', 'name');
}

function checkRole(role: string): asserts role is OperatorRole {
  if (!isOperatorRole(role))
    throw new OperatorAccountError(
      'OPERATOR_INVALID',
      `a role is one of ${operatorRoles.join(', ')}`,
      'role',
    );
}

/**
 * The transaction-scoped advisory lock every change that can take an admin away holds first (demotion,
 * disabling): two such changes run one after the other, so each counts the admins the other left.
 */
const ADMINS_LOCK = "SELECT pg_advisory_xact_lock(hashtext('tixclear.operators.admins'))";

function enabledAdmin(operator: Pick<OperatorView, 'role' | 'disabledAt'>): boolean {
  return operator.role === 'admin' && operator.disabledAt === null;
}

async function lockByName(tx: EntityManager, name: string): Promise<OperatorEntity> {
  const operator = await tx
    .getRepository(OperatorEntity)
    .findOne({ where: { name }, lock: { mode: 'pessimistic_write' } });
  if (!operator) throw new OperatorAccountError('OPERATOR_NOT_FOUND', `no operator ${name}`, 'name');
  return operator;
}

export class OperatorAccounts {
  constructor(private readonly dataSource: DataSource) {}

  list(): Promise<OperatorView[]> {
    return this.dataSource
      .getRepository(OperatorEntity)
      .find({ order: { name: 'ASC' } })
      .then((rows) => rows.map(viewOf));
  }

  /** A new operator; `password` null: signs in by one-time links only until one is set. */
  async add(
    input: { name: string; role: string; password: string | null },
    by: AccountActor,
  ): Promise<OperatorView> {
    checkName(input.name);
    checkRole(input.role);
    const role = input.role;
    const passwordHash = input.password === null ? null : await hashPassword(input.password);
    return this.dataSource.transaction(async (tx) => {
      const [row] = await tx.query<{ id: string }[]>(
        `INSERT INTO operators (name, role, password_hash) VALUES ($1, $2, $3)
         ON CONFLICT (name) DO NOTHING RETURNING id`,
        [input.name, role, passwordHash],
      );
      if (!row) throw new OperatorAccountError('OPERATOR_EXISTS', `operator ${input.name} exists`, 'name');
      const after = viewOf(await tx.getRepository(OperatorEntity).findOneByOrFail({ id: row.id }));
      await recordAudit(tx, { ...by, action: 'operator.add', target: input.name, before: null, after });
      return after;
    });
  }

  setRole(name: string, role: string, by: AccountActor): Promise<OperatorView> {
    checkRole(role);
    return this.change(
      name,
      'operator.set_role',
      by,
      (tx, op) => tx.update(OperatorEntity, { id: op.id }, { role }),
      true,
    );
  }

  setPassword(name: string, password: string, by: AccountActor): Promise<OperatorView> {
    return this.change(name, 'operator.set_password', by, async (tx, op) => {
      await tx.update(OperatorEntity, { id: op.id }, { passwordHash: await hashPassword(password) });
      // A new password ends every session opened with the old one.
      await tx.query('DELETE FROM operator_sessions WHERE operator_id = $1', [op.id]);
    });
  }

  /** Disables an operator and ends their sessions at once; they can no longer sign in. */
  disable(name: string, by: AccountActor): Promise<OperatorView> {
    return this.change(
      name,
      'operator.disable',
      by,
      async (tx, op) => {
        if (op.disabledAt === null)
          await tx.update(OperatorEntity, { id: op.id }, { disabledAt: new Date() });
        await tx.query('DELETE FROM operator_sessions WHERE operator_id = $1', [op.id]);
        await tx.query('DELETE FROM operator_login_links WHERE operator_id = $1 AND used_at IS NULL', [
          op.id,
        ]);
      },
      true,
    );
  }

  enable(name: string, by: AccountActor): Promise<OperatorView> {
    return this.change(name, 'operator.enable', by, (tx, op) =>
      tx.update(OperatorEntity, { id: op.id }, { disabledAt: null }),
    );
  }

  /**
   * A one-time sign-in token for an enabled operator, usable once within LOGIN_LINK_TTL_MS; only its hash is
   * stored. The caller makes the URL (`<API_PUBLIC_URL>/console/login/<token>`).
   */
  async loginLink(
    name: string,
    by: AccountActor,
    now = new Date(),
  ): Promise<{ token: string; expiresAt: Date }> {
    const token = newSecret();
    const expiresAt = new Date(now.getTime() + LOGIN_LINK_TTL_MS);
    await this.dataSource.transaction(async (tx) => {
      const operator = await lockByName(tx, name);
      if (operator.disabledAt !== null)
        throw new OperatorAccountError('OPERATOR_DISABLED', `operator ${name} is disabled`, 'name');
      await tx.query(
        'INSERT INTO operator_login_links (token_hash, operator_id, expires_at) VALUES ($1, $2, $3)',
        [secretHash(token), operator.id, expiresAt],
      );
      await recordAudit(tx, {
        ...by,
        action: 'operator.login_link',
        target: name,
        after: { expiresAt: expiresAt.toISOString() },
      });
    });
    return { token, expiresAt };
  }

  private change(
    name: string,
    action: string,
    by: AccountActor,
    apply: (tx: EntityManager, operator: OperatorEntity) => Promise<unknown>,
    /** The change may take an admin away: serialised under ADMINS_LOCK, refused if it leaves none enabled. */
    keepsAnAdmin = false,
  ): Promise<OperatorView> {
    const changed = this.dataSource.transaction(async (tx) => {
      if (keepsAnAdmin) await tx.query(ADMINS_LOCK);
      const operator = await lockByName(tx, name);
      const before = viewOf(operator);
      await apply(tx, operator);
      const after = viewOf(await tx.getRepository(OperatorEntity).findOneByOrFail({ id: operator.id }));
      if (keepsAnAdmin && enabledAdmin(before) && !enabledAdmin(after)) {
        const [others] = await tx.query<{ n: number }[]>(
          `SELECT count(*)::int AS n FROM operators WHERE role = 'admin' AND disabled_at IS NULL AND id <> $1`,
          [operator.id],
        );
        if ((others?.n ?? 0) === 0)
          throw new OperatorAccountError(
            'OPERATOR_LAST_ADMIN',
            `${name} is the last enabled admin: add or enable another admin first`,
            'name',
          );
      }
      await recordAudit(tx, { ...by, action, target: name, before, after });
      return after;
    });
    return keepsAnAdmin ? changed.catch((error: unknown) => this.refused(error, name, action, by)) : changed;
  }

  /** A refusal of the last-admin guard is audited too (the change itself rolled back), then thrown on. */
  private async refused(error: unknown, name: string, action: string, by: AccountActor): Promise<never> {
    if (error instanceof OperatorAccountError && error.code === 'OPERATOR_LAST_ADMIN') {
      const operator = await this.dataSource.getRepository(OperatorEntity).findOneBy({ name });
      const view = operator ? viewOf(operator) : null;
      await recordAudit(this.dataSource.manager, {
        ...by,
        action,
        target: name,
        before: view,
        after: view,
        outcome: error.code,
      });
    }
    throw error;
  }
}
