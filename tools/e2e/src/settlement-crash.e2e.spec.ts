import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import {
  createTestDatabase,
  databaseUrl,
  dropDatabase,
  ensureSamplePartner,
  PartnerEntity,
  PartnerRegistry,
  SAMPLE_PARTNER,
} from '@tixclear/db';
import { taiwanBusinessDate } from '@tixclear/domain';
import { startSimulator } from '@tixclear/gateway-simulator';
import { writeSyntheticDay } from '@tixclear/settlement';

const REPO_ROOT = path.resolve(import.meta.dirname, '../../..');
const DAY = '2026-11-20';
const KILL_POINTS = 10;
/**
 * The finishing run waits past the pay-off submit grace (60 s, payouts/README.md): a kill that lands between
 * `submitting` committed and the request reaching the gateway leaves a batch the gateway never saw, which is sent
 * again only after "not found" has lasted that long. A shorter wait would leave the run `paying`, with no files.
 */
const FINISH_WAIT_SECONDS = 90;
/**
 * A pay-off's entry is dated by the Taiwan day it is remitted on (the gateway's finished date), so two runs on
 * either side of Taiwan's midnight differ by that date alone (seen once in CI): such a pair is taken again.
 */
const taiwanToday = (): string => taiwanBusinessDate(new Date());

/**
 * `kill -9` of the settlement process at ten points of a run, then a restart: each ends with the same journal,
 * ledgers, batches and export files as a run that was never interrupted. Every scenario starts from a clone of
 * one template database (same ids), with a fresh simulator, and runs `npm run settle` as a real process.
 */
describe('a settlement run killed at any point', () => {
  const serverUrl = process.env.TIXCLEAR_TEST_PG_URL!;
  const masterKey = randomBytes(32);
  let template: string;
  const clones: string[] = [];

  beforeAll(async () => {
    const db = await createTestDatabase();
    const registry = new PartnerRegistry(db.dataSource, masterKey);
    await ensureSamplePartner(registry);
    await db.dataSource
      .getRepository(PartnerEntity)
      .update({ partnerUid: SAMPLE_PARTNER.partnerUid }, { headquartersPayoutAccount: 'hq-account' });
    const partner = await registry.findByUid(SAMPLE_PARTNER.partnerUid);
    await writeSyntheticDay(db.dataSource, {
      partnerId: partner!.id,
      businessDate: DAY,
      vouchers: 60,
      giftEvery: 10,
    });
    // The run exists before the clones are taken, so every scenario settles the same run id (and derives the
    // same pay-off ids from it).
    await db.dataSource.query(
      `INSERT INTO settlement_runs (period_start, period_end, state, summary) VALUES ($1, $1, 'clearing', '{}')`,
      [DAY],
    );
    template = new URL(db.url).pathname.slice(1);
    await db.dataSource.destroy();
  }, 60_000);

  afterAll(async () => {
    for (const name of [...clones, template]) await dropDatabase(serverUrl, name);
  });

  async function clone(): Promise<string> {
    const name = `${template}_c${clones.length}`;
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    await client.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
    await client.end();
    clones.push(name);
    return name;
  }

  /** Settles the period in a child process; with `killAfterLines`, SIGKILLs it after that many progress lines. */
  async function settle(
    env: Record<string, string>,
    killAfterLines?: number,
  ): Promise<{ code: number | null; lines: number; output: string }> {
    const child = spawn(
      process.execPath,
      [
        '--import',
        path.join(REPO_ROOT, 'tools/runtime/register.mjs'),
        'tools/settle/main.ts',
        '--date',
        DAY,
        '--chunk-size',
        '10',
        '--wait-seconds',
        String(killAfterLines === undefined ? FINISH_WAIT_SECONDS : 30),
      ],
      { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let lines = 0;
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      output += text;
      lines += text.split('\n').length - 1;
      if (killAfterLines !== undefined && lines >= killAfterLines) child.kill('SIGKILL');
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    return { code, lines, output };
  }

  async function scenario(killAfterLines?: number, concurrent = false): Promise<Snapshot> {
    const database = await clone();
    const sim = await startSimulator({
      notifyUrl: null,
      log: () => undefined,
      payoff: { approval: 'auto', approvalDelayMs: 50, remitDelayMs: 0 },
    });
    const exportDir = mkdtempSync(path.join(tmpdir(), 'tixclear-crash-'));
    const env = {
      DATABASE_URL: databaseUrl(serverUrl, database),
      GATEWAY_URL: sim.baseUrl,
      TIXCLEAR_MASTER_KEY: masterKey.toString('hex'),
      EXPORT_DIR: exportDir,
    };
    try {
      if (killAfterLines !== undefined) {
        const killed = await settle(env, killAfterLines);
        expect(killed.code).toBeNull(); // it died by the signal, not by finishing
      }
      if (concurrent) {
        // Two workers at once: the run's advisory lock lets one work; the other leaves it (or finds it done).
        const both = await Promise.all([settle(env), settle(env)]);
        expect(both.map((r) => r.code)).toEqual([0, 0]);
      }
      const finished = await settle(env);
      // Exit 0 also ends a run left waiting or a worker that found the run busy: only a completed run has files
      // (its output is shown if not).
      const completed = finished.output.includes('exports: ');
      expect({ code: finished.code, completed, ...(completed ? {} : { output: finished.output }) }).toEqual({
        code: 0,
        completed: true,
      });
      return await snapshot(databaseUrl(serverUrl, database), path.join(exportDir, DAY));
    } finally {
      await sim.close();
    }
  }

  it('ends each killed-and-restarted run exactly as the uninterrupted one', async () => {
    let day = taiwanToday();
    let baseline = await scenario();
    expect(baseline.tables.clearings.length).toBe(60);
    expect(Object.keys(baseline.files).length).toBeGreaterThan(5);
    for (let k = 1; k <= KILL_POINTS; k++) {
      let resumed = await scenario(k);
      if (taiwanToday() !== day) {
        day = taiwanToday();
        baseline = await scenario();
        resumed = await scenario(k);
      }
      expect({ killedAfterLine: k, ...resumed }).toEqual({ killedAfterLine: k, ...baseline });
    }
  }, 600_000);

  it('lets two workers started together settle the run once', async () => {
    for (;;) {
      const day = taiwanToday();
      const baseline = await scenario();
      const together = await scenario(undefined, true);
      if (taiwanToday() !== day) continue;
      expect(together).toEqual(baseline);
      return;
    }
  }, 120_000);
});

type Table = 'runs' | 'clearings' | 'holds' | 'journal' | 'payables' | 'batches' | 'items';

interface Snapshot {
  tables: Record<Table, unknown[]>;
  files: Record<string, string>;
}

/** Everything a run produces, without what legitimately differs (surrogate ids, timestamps). */
async function snapshot(url: string, exportDir: string): Promise<Snapshot> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const rows = async (sql: string) => (await client.query(sql)).rows as unknown[];
  const tables: Record<Table, unknown[]> = {
    runs: await rows(`SELECT period_start::text, period_end::text, state FROM settlement_runs`),
    clearings: await rows(`SELECT * FROM clearings ORDER BY redemption_line_id`),
    holds: await rows(`SELECT redemption_line_id, reason FROM settlement_holds ORDER BY redemption_line_id`),
    journal: await rows(
      `SELECT e.kind, e.reference, e.business_date::text, e.description, l.account, l.ledger, l.party, l.amount, l.serial_number
         FROM journal_entries e JOIN journal_lines l ON l.entry_id = e.id
        ORDER BY e.kind, e.reference, l.account, l.party NULLS FIRST`,
    ),
    payables: await rows(
      `SELECT run_id, paying_merchant, party, role, amount, paid_by_item_id IS NOT NULL AS paid FROM payables ORDER BY party, role`,
    ),
    batches: await rows(
      `SELECT group_id, paying_merchant, state, gateway_code FROM payout_batches ORDER BY group_id`,
    ),
    items: await rows(
      `SELECT item_id, party, payee_account, amount, state, gateway_code FROM payout_items ORDER BY item_id`,
    ),
  };
  await client.end();
  const files = Object.fromEntries(
    readdirSync(exportDir)
      .sort()
      .map((name) => [
        name,
        createHash('sha256')
          .update(readFileSync(path.join(exportDir, name)))
          .digest('hex'),
      ]),
  );
  return { tables, files };
}
