import {
  type DatabaseSource,
  ensurePaypageSamplePartner,
  ensureSamplePartner,
  type GatewaySource,
  PAYPAGE_SAMPLE_PARTNER,
  type PartnerRegistry,
  SAMPLE_PARTNER,
  samplePartnerAllowed,
} from '@tixclear/db';

/**
 * How to add a partner, as `npm start` prints it: the partners CLI, run with the same DATABASE_URL and
 * TIXCLEAR_MASTER_KEY as `npm start`. Placeholders are `<...>`; the commands run once they are filled in. The key
 * is read from a file (`-`: stdin), never from the command line.
 */
export const ADD_PARTNER_COMMANDS = [
  'npm run partners -- add --uid <store_uid> --name <name> --key-file <key file> --issuer <issuer id>',
  'npm run partners -- add-fee-schedule --issuer <issuer id> --from <YYYY-MM-DD> --escrow-rate <0.02> ' +
    '--gateway-rate <0.01> --issuance-fee <1> --issuance-layer <2>',
  'npm run partners -- set-point --uid <store_uid> --kind store --ref <store_uid> --name <name> ' +
    '--payout-account <account>',
] as const;

export type StartPartners = 'sample registered' | 'sample present' | 'nothing registered';

/** The sample partners `npm start` registers: seed 000's voucher store, then seed 001's PayPage merchant. */
const SAMPLES = [
  { uid: SAMPLE_PARTNER.partnerUid, seed: '000', ensure: ensureSamplePartner },
  { uid: PAYPAGE_SAMPLE_PARTNER.partnerUid, seed: '001', ensure: ensurePaypageSamplePartner },
] as const;

/**
 * `npm start`'s partner step. With the embedded database and the simulator, the seeds' sample partners (seed 000's
 * and seed 001's) are registered (once) so the seeds' clients run unchanged. Otherwise nothing is registered and
 * the log says how to add a partner; a sample partner already there (its key is public) is warned about.
 */
export async function preparePartners(
  registry: PartnerRegistry,
  sources: { database: DatabaseSource; gateway: GatewaySource },
  log: (line: string) => void,
): Promise<StartPartners> {
  if (samplePartnerAllowed(sources.database, sources.gateway)) {
    let added = false;
    for (const sample of SAMPLES) {
      if (!(await sample.ensure(registry))) continue;
      added = true;
      log(
        `registered the sample partner of seed ${sample.seed} (store_uid ${sample.uid}, embedded database and simulator only)`,
      );
    }
    return added ? 'sample registered' : 'sample present';
  }
  const why = [
    sources.database === 'external' ? 'DATABASE_URL is set' : undefined,
    sources.gateway === 'external' ? 'GATEWAY_URL is set' : undefined,
  ].filter(Boolean);
  const partners = await registry.list();
  for (const sample of SAMPLES) {
    if (!partners.some((p) => p.partnerUid === sample.uid)) continue;
    log(
      `WARNING: the sample partner ${sample.uid} is registered in this database, and its key is ` +
        'published in the gateway documents: anyone can act as it. npm start leaves it (it deletes no partner).',
    );
  }
  log(
    `no sample partner registered (${why.join(', ')}); ${partners.length} partner(s) in the database. ` +
      'To add one, with the same DATABASE_URL and TIXCLEAR_MASTER_KEY:',
  );
  for (const command of ADD_PARTNER_COMMANDS) log(`  ${command}`);
  return 'nothing registered';
}
