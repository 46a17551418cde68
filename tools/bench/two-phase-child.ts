/**
 * The two-phase loop in a process of its own, as the API has its own: started by bench:api with an IPC
 * channel, it gets `{ databaseUrl, masterKey, gatewayUrl, partnerUid, serials, clients }`, redeems every serial
 * with `clients` loops (two-phase-loop.ts) after one untimed redemption, and sends back the phase's result.
 */
import { createDataSource, PartnerRegistry } from '@tixclear/db';
import { drive } from './drive';
import { twoPhaseRedeemer } from './two-phase-loop';

interface Job {
  databaseUrl: string;
  masterKey: string;
  gatewayUrl: string;
  partnerUid: string;
  serials: string[];
  clients: number;
}

const send = (message: unknown) =>
  new Promise<void>((resolve, reject) =>
    process.send?.(message, undefined, {}, (error) => (error ? reject(error) : resolve())),
  );

process.once('message', (job: Job) => {
  void (async () => {
    const dataSource = await createDataSource(job.databaseUrl).initialize();
    try {
      const registry = new PartnerRegistry(dataSource, Buffer.from(job.masterKey, 'hex'));
      const context = await registry.context(job.partnerUid);
      if (!context) throw new Error(`no partner ${job.partnerUid}`);
      const redeem = twoPhaseRedeemer(dataSource, context, job.gatewayUrl);
      let sequence = 0;
      const runId = Date.now().toString(36).toUpperCase();
      const orderId = () => `BT${runId}${(sequence++).toString(36).toUpperCase()}`;
      const serials = [...job.serials];
      // The first call prepares the statements and loads the fee book: untimed.
      await redeem(serials.shift()!, orderId());
      await send({ ready: true });
      await new Promise((resolve) => process.once('message', resolve));
      const result = await drive(serials, job.clients, 3_600, (serial) => redeem(serial, orderId()));
      await send({ ...result, failures: [...result.failures] });
      // The connections stay open until the bench has read their backends' CPU (an exited one takes it along).
      await new Promise((resolve) => process.once('message', resolve));
    } catch (error) {
      await send({ error: String(error) });
    } finally {
      await dataSource.destroy();
      process.disconnect?.();
    }
  })();
});
