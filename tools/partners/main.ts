/**
 * `npm run partners -- <command> [options]`: manages the partner registry of the database that `npm start`
 * uses (DATABASE_URL, or the embedded one). Keys are sealed under the master key before they are stored.
 *
 *   add --uid 123 --name "Shop" --key <32 chars> --issuer ISS1 [--mode store|agent] [--notify-url URL]
 *       [--upstream-mode store|agent --upstream-uid U --upstream-key K]
 *   list
 *   rotate-key --uid 123 --key <32 chars> [--purpose inbound|upstream]
 *   api-key --uid 123                      issues a REST API key (shown once)
 *   set-point --uid 123 --kind store|dealer --ref R --name N [--payout-account A]
 *   add-fee-schedule --issuer ISS1 --from 2026-01-01 --escrow-rate 0.02 --gateway-rate 0.01
 *       --issuance-fee 1 --issuance-layer 2
 */
import { parseArgs } from 'node:util';
import { createDataSource, ensureDatabase, PartnerRegistry } from '@tixclear/db';
import { withDatabaseServer } from '../scripts/database';
import { resolveMasterKey } from '../scripts/master-key';

const [command, ...rest] = process.argv.slice(2);
const { values } = parseArgs({
  args: rest,
  options: {
    uid: { type: 'string' },
    name: { type: 'string' },
    key: { type: 'string' },
    issuer: { type: 'string' },
    mode: { type: 'string', default: 'store' },
    'notify-url': { type: 'string' },
    'upstream-mode': { type: 'string' },
    'upstream-uid': { type: 'string' },
    'upstream-key': { type: 'string' },
    purpose: { type: 'string', default: 'inbound' },
    kind: { type: 'string' },
    ref: { type: 'string' },
    'payout-account': { type: 'string' },
    from: { type: 'string' },
    'escrow-rate': { type: 'string' },
    'gateway-rate': { type: 'string' },
    'issuance-fee': { type: 'string' },
    'issuance-layer': { type: 'string' },
  },
});

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

try {
  await withDatabaseServer(async (serverUrl, appDatabase) => {
    const dataSource = await createDataSource(await ensureDatabase(serverUrl, appDatabase)).initialize();
    try {
      await dataSource.runMigrations();
      await run(new PartnerRegistry(dataSource, resolveMasterKey().key));
    } finally {
      await dataSource.destroy();
    }
  });
} catch (error) {
  console.error(error instanceof Error ? `error: ${error.message}` : error);
  process.exit(error instanceof UsageError ? 2 : 1);
}

async function run(registry: PartnerRegistry): Promise<void> {
  switch (command) {
    case 'add': {
      const upstreamUid = values['upstream-uid'];
      const partner = await registry.add({
        partnerUid: required('uid'),
        mode: oneOf('mode', ['store', 'agent']),
        name: required('name'),
        key: required('key'),
        issuerId: required('issuer'),
        notifyUrl: values['notify-url'] ?? null,
        upstream: upstreamUid
          ? {
              mode: oneOf('upstream-mode', ['store', 'agent']),
              uid: upstreamUid,
              key: required('upstream-key'),
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
        })),
      );
      return;
    case 'rotate-key': {
      const key = await registry.rotateKey(
        required('uid'),
        oneOf('purpose', ['inbound', 'upstream']),
        required('key'),
      );
      console.log(`key ${key.id} valid ${key.validFrom.toISOString()} → ${key.validUntil.toISOString()}`);
      return;
    }
    case 'api-key':
      console.log(await registry.issueApiKey(required('uid')));
      return;
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
        'usage: npm run partners -- add|list|rotate-key|api-key|set-point|add-fee-schedule [options]',
      );
  }
}
