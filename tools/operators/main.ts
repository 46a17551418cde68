/**
 * `npm run operators -- …`: the console's operator accounts, on the database `npm start` uses (DATABASE_URL or
 * the embedded one). A password never goes on the command line: `--password-file PATH`, or `-` for stdin.
 *
 *   add --name N --role viewer|finance|operator|admin [--password-file PATH|-]
 *                                  without a password the operator signs in by one-time links only
 *   list                           name, role, whether a password is set, created, disabled (JSON lines)
 *   set-role --name N --role R
 *   set-password --name N --password-file PATH|-     ends the operator's sessions
 *   disable --name N               ends their sessions and unused links; they can no longer sign in
 *                                  (set-role and disable refuse to leave no enabled admin: OPERATOR_LAST_ADMIN)
 *   enable --name N
 *   login-link --name N            prints <API_PUBLIC_URL>/console/login/<token>: one use, within 10 minutes
 *
 * Every change is in the operators' audit trail, by `cli:$USER`. Exit 2 on a usage error, 1 on a refusal.
 */
import { readFileSync } from 'node:fs';
import {
  createDataSource,
  ensureDatabase,
  OperatorAccountError,
  OperatorAccounts,
  PasswordPolicyError,
} from '@tixclear/db';
import { cliArgs } from '../runtime/cli-args';
import { cliLogger } from '../runtime/cli-logger';
import { withDatabaseServer } from '../scripts/database';

const log = cliLogger('operators');
const [command, ...rest] = process.argv.slice(2);
const { values } = cliArgs('operators', {
  args: rest,
  options: {
    name: { type: 'string' },
    role: { type: 'string' },
    'password-file': { type: 'string' },
    // Declared only to be refused with the option to use instead.
    password: { type: 'string' },
  },
});

class UsageError extends Error {}

function required(name: 'name' | 'role'): string {
  const value = values[name];
  if (value === undefined || value === '') throw new UsageError(`--${name} is required`);
  return value;
}

/** The password in --password-file (`-`: stdin), its final newline dropped; undefined without the option. */
function passwordFromFile(): string | undefined {
  const file = values['password-file'];
  if (file === undefined) return undefined;
  let text: string;
  try {
    text = readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (error) {
    throw new UsageError(
      `--password-file: cannot read ${file === '-' ? 'stdin' : file} (${(error as Error).message})`,
    );
  }
  return text.replace(/\r?\n$/, '');
}

/** The console's public base URL, for sign-in links: API_PUBLIC_URL, else the local API of `npm start`. */
function publicUrl(): string {
  const base = process.env.API_PUBLIC_URL ?? `http://127.0.0.1:${process.env.PORT ?? '3000'}`;
  return base.replace(/\/+$/, '');
}

const out = (line: string) => process.stdout.write(`${line}\n`);

async function run(accounts: OperatorAccounts): Promise<void> {
  const by = { actor: `cli:${process.env.USER ?? 'unknown'}`.slice(0, 64), actorRole: null };
  switch (command) {
    case 'add': {
      const added = await accounts.add(
        { name: required('name'), role: required('role'), password: passwordFromFile() ?? null },
        by,
      );
      log.info({ operator: added.name, role: added.role, hasPassword: added.hasPassword }, 'operator added');
      return;
    }
    case 'list':
      for (const operator of await accounts.list()) out(JSON.stringify(operator));
      return;
    case 'set-role': {
      const changed = await accounts.setRole(required('name'), required('role'), by);
      log.info({ operator: changed.name, role: changed.role }, 'role set');
      return;
    }
    case 'set-password': {
      const password = passwordFromFile();
      if (password === undefined) throw new UsageError('--password-file PATH|- is required');
      await accounts.setPassword(required('name'), password, by);
      log.info({ operator: values.name }, 'password set; the operator’s sessions ended');
      return;
    }
    case 'disable':
      await accounts.disable(required('name'), by);
      log.info({ operator: values.name }, 'operator disabled; their sessions ended');
      return;
    case 'enable':
      await accounts.enable(required('name'), by);
      log.info({ operator: values.name }, 'operator enabled');
      return;
    case 'login-link': {
      const { token, expiresAt } = await accounts.loginLink(required('name'), by);
      out(`${publicUrl()}/console/login/${token}`);
      log.info({ operator: values.name, expiresAt }, 'one-time sign-in link: usable once, until it expires');
      return;
    }
    default:
      throw new UsageError(
        'usage: npm run operators -- add|list|set-role|set-password|disable|enable|login-link [options]',
      );
  }
}

try {
  if (values.password !== undefined)
    throw new UsageError(
      '--password is not taken on the command line (shell history and the process list keep it): ' +
        'give --password-file PATH, or --password-file - to read it from stdin',
    );
  await withDatabaseServer(async (serverUrl, appDatabase) => {
    const dataSource = await createDataSource(await ensureDatabase(serverUrl, appDatabase)).initialize();
    try {
      await dataSource.runMigrations();
      await run(new OperatorAccounts(dataSource));
    } finally {
      await dataSource.destroy();
    }
  });
} catch (error) {
  if (error instanceof UsageError) {
    log.error(error.message);
    process.exit(2);
  }
  if (error instanceof OperatorAccountError || error instanceof PasswordPolicyError) {
    log.error({ code: error.code, field: error.field }, error.message);
    process.exit(1);
  }
  log.error({ err: error }, 'operators failed');
  process.exit(1);
}
