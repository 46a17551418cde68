/**
 * `npm run partners -- <command> [options]`: manages the partner registry of the database that `npm start`
 * uses (DATABASE_URL, or the embedded one). Keys are sealed under the master key before they are stored.
 * Report URLs must be https; REPORT_URLS_ALLOW_LOOPBACK=true (development) also takes http to loopback.
 * Secrets are never taken on the command line (shell history and the process list keep it): keys and report
 * secrets come from a file, or from stdin when the path is `-`.
 *
 *   add --uid 123 --name "Shop" --key-file PATH|- --issuer ISS1 [--mode store|agent] [--notify-url URL]
 *       [--upstream-mode store|agent --upstream-uid U --upstream-key-file PATH|-]
 *   list
 *   rotate-key --uid 123 --key-file PATH|- [--purpose inbound|upstream]
 *   api-key --uid 123                      issues a REST API key (shown once)
 *   report-url --uid 123 --url https://…|none [--format form|json]
 *   rotate-report-secret --uid 123 [--overlap-hours 24] [--secret-file PATH|-]
 *       a new report signing secret (generated and shown once, or read from the file or stdin, never from
 *       the command line); the previous one keeps signing for the overlap, then expires
 *   resend-reports --uid 123 --order O [--by NAME]
 *       an order's reports back to pending under the same ids (the worker's sweep sends them); their
 *       partner_report_flagged operator items resolved
 *   set-point --uid 123 --kind store|dealer --ref R --name N [--payout-account A]
 *   add-fee-schedule --issuer ISS1 --from 2026-01-01 --escrow-rate 0.02 --gateway-rate 0.01
 *       --issuance-fee 1 --issuance-layer 2
 */
import { readFileSync } from 'node:fs';
import {
  createDataSource,
  ensureDatabase,
  PartnerRegistry,
  PartnerReportSettings,
  type ReportUrlPolicy,
} from '@tixclear/db';
import { resendReports } from '@tixclear/operations';
import type { DataSource } from 'typeorm';
import { cliArgs } from '../runtime/cli-args';
import { withDatabaseServer } from '../scripts/database';
import { resolveMasterKey } from '../scripts/master-key';

const [command, ...rest] = process.argv.slice(2);
const { values } = cliArgs('partners', {
  args: rest,
  options: {
    uid: { type: 'string' },
    name: { type: 'string' },
    'key-file': { type: 'string' },
    issuer: { type: 'string' },
    mode: { type: 'string', default: 'store' },
    'notify-url': { type: 'string' },
    'upstream-mode': { type: 'string' },
    'upstream-uid': { type: 'string' },
    'upstream-key-file': { type: 'string' },
    purpose: { type: 'string', default: 'inbound' },
    kind: { type: 'string' },
    ref: { type: 'string' },
    'payout-account': { type: 'string' },
    from: { type: 'string' },
    'escrow-rate': { type: 'string' },
    'gateway-rate': { type: 'string' },
    'issuance-fee': { type: 'string' },
    'issuance-layer': { type: 'string' },
    url: { type: 'string' },
    format: { type: 'string' },
    'overlap-hours': { type: 'string', default: '24' },
    'secret-file': { type: 'string' },
    // Declared only to be refused with the option to use instead (see refuseSecretArguments).
    key: { type: 'string' },
    'upstream-key': { type: 'string' },
    secret: { type: 'string' },
    order: { type: 'string' },
    by: { type: 'string' },
  },
});
const reportUrls: ReportUrlPolicy = { allowLoopbackHttp: process.env.REPORT_URLS_ALLOW_LOOPBACK === 'true' };

function required(name: keyof typeof values): string {
  const value = values[name];
  if (typeof value !== 'string' || value === '') throw new UsageError(`--${name} is required`);
  return value;
}
function oneOf<T extends string>(name: keyof typeof values, allowed: readonly T[]): T {
  const value = required(name);
  if (!(allowed as readonly string[]).includes(value))
    throw new UsageError(`--${name} must be one of ${allowed.join(', ')}`);
  return value as T;
}
class UsageError extends Error {}

const SECRET_FILE_OPTIONS = {
  key: 'key-file',
  'upstream-key': 'upstream-key-file',
  secret: 'secret-file',
} as const;

/** A secret given on the command line stops the program before it opens the database; the message never holds it. */
function refuseSecretArguments(): void {
  for (const [option, instead] of Object.entries(SECRET_FILE_OPTIONS)) {
    if (values[option as keyof typeof SECRET_FILE_OPTIONS] !== undefined)
      throw new UsageError(
        `--${option} is not taken on the command line (shell history and the process list keep it): ` +
          `give --${instead} PATH, or --${instead} - to read it from stdin`,
      );
  }
  const fromStdin = Object.values(SECRET_FILE_OPTIONS).filter((name) => values[name] === '-');
  if (fromStdin.length > 1) throw new UsageError(`only one of --${fromStdin.join(', --')} can be - (stdin)`);
}

/** The secret in the file an option names (`-`: stdin), blanks around it trimmed; undefined when the option is absent. */
function secretFrom(
  option: (typeof SECRET_FILE_OPTIONS)[keyof typeof SECRET_FILE_OPTIONS],
): string | undefined {
  const file = values[option];
  if (file === undefined) return undefined;
  let text: string;
  try {
    text = readFileSync(file === '-' ? 0 : file, 'utf8').trim();
  } catch (error) {
    throw new UsageError(
      `--${option}: cannot read ${file === '-' ? 'stdin' : file} (${(error as Error).message})`,
    );
  }
  if (text === '') throw new UsageError(`--${option}: ${file === '-' ? 'stdin' : file} holds no secret`);
  return text;
}
function requiredSecret(option: (typeof SECRET_FILE_OPTIONS)[keyof typeof SECRET_FILE_OPTIONS]): string {
  const secret = secretFrom(option);
  if (secret === undefined) throw new UsageError(`--${option} is required (a path, or - for stdin)`);
  return secret;
}

try {
  refuseSecretArguments();
  await withDatabaseServer(async (serverUrl, appDatabase) => {
    const dataSource = await createDataSource(await ensureDatabase(serverUrl, appDatabase)).initialize();
    try {
      await dataSource.runMigrations();
      const masterKey = resolveMasterKey().key;
      await run(
        new PartnerRegistry(dataSource, masterKey, reportUrls),
        new PartnerReportSettings(dataSource, masterKey, reportUrls),
        dataSource,
      );
    } finally {
      await dataSource.destroy();
    }
  });
} catch (error) {
  console.error(error instanceof Error ? `error: ${error.message}` : error);
  process.exit(error instanceof UsageError ? 2 : 1);
}

async function run(
  registry: PartnerRegistry,
  reports: PartnerReportSettings,
  dataSource: DataSource,
): Promise<void> {
  switch (command) {
    case 'add': {
      const upstreamUid = values['upstream-uid'];
      const partner = await registry.add({
        partnerUid: required('uid'),
        mode: oneOf('mode', ['store', 'agent']),
        name: required('name'),
        key: requiredSecret('key-file'),
        issuerId: required('issuer'),
        notifyUrl: values['notify-url'] ?? null,
        upstream: upstreamUid
          ? {
              mode: oneOf('upstream-mode', ['store', 'agent']),
              uid: upstreamUid,
              key: requiredSecret('upstream-key-file'),
            }
          : undefined,
      });
      console.log(`added partner ${partner.partnerUid} (${partner.id})`);
      return;
    }
    case 'list':
      console.table(
        (await registry.list()).map((p) => ({
          uid: p.partnerUid,
          mode: p.mode,
          name: p.name,
          issuer: p.issuerId,
          upstream: `${p.upstreamMode}:${p.upstreamUid}`,
          notify: p.notifyUrl ?? '',
          format: p.reportFormat,
        })),
      );
      return;
    case 'rotate-key': {
      const key = await registry.rotateKey(
        required('uid'),
        oneOf('purpose', ['inbound', 'upstream']),
        requiredSecret('key-file'),
      );
      console.log(`key ${key.id} valid ${key.validFrom.toISOString()} → ${key.validUntil.toISOString()}`);
      return;
    }
    case 'api-key':
      console.log(await registry.issueApiKey(required('uid')));
      return;
    case 'report-url': {
      const url = required('url');
      const partner = await reports.setUrl(
        required('uid'),
        url === 'none' ? null : url,
        values.format === undefined ? undefined : oneOf('format', ['form', 'json'] as const),
      );
      console.log(
        `reports of ${partner.partnerUid}: ${partner.notifyUrl ?? 'none'} (${partner.reportFormat})`,
      );
      return;
    }
    case 'rotate-report-secret': {
      const hours = Number(required('overlap-hours'));
      if (!Number.isFinite(hours) || hours < 0) throw new UsageError('--overlap-hours must be a number ≥ 0');
      const given = secretFrom('secret-file');
      const { secret, previousUntil } = await reports.rotateSecret(required('uid'), {
        secret: given,
        overlapMs: Math.round(hours * 3_600_000),
      });
      console.error(
        previousUntil
          ? `previous report secret signs until ${previousUntil.toISOString()}, then expires`
          : 'first report secret of this partner',
      );
      if (given === undefined) console.log(secret);
      return;
    }
    case 'resend-reports': {
      const partner = await registry.findByUid(required('uid'));
      const by = values.by ?? process.env.USER ?? 'operator';
      const resent = partner ? await resendReports(dataSource, partner.id, required('order'), by) : null;
      if (resent === null) throw new UsageError('no such order of this partner');
      console.log(
        resent.length === 0
          ? 'no report yet: the outcome is not final'
          : `pending again (the worker's sweep sends them within a minute): ${resent.map((r) => `${r.event} ${r.id}`).join(', ')}`,
      );
      return;
    }
    case 'set-point':
      await registry.setPoint(required('uid'), {
        kind: oneOf('kind', ['store', 'dealer']),
        pointRef: required('ref'),
        name: required('name'),
        payoutAccount: values['payout-account'] ?? null,
      });
      console.log('point saved');
      return;
    case 'add-fee-schedule':
      await registry.addFeeSchedule({
        issuerId: required('issuer'),
        effectiveFrom: required('from'),
        escrowRate: required('escrow-rate'),
        gatewayRate: required('gateway-rate'),
        issuanceFee: Number.parseInt(required('issuance-fee'), 10),
        issuanceLayer: Number.parseInt(required('issuance-layer'), 10),
      });
      console.log('fee schedule added');
      return;
    default:
      throw new UsageError(
        'usage: npm run partners -- add|list|rotate-key|api-key|report-url|rotate-report-secret|resend-reports|set-point|add-fee-schedule [options]',
      );
  }
}
