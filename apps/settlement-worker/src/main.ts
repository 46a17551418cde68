import 'reflect-metadata';
import { createDataSource } from '@tixclear/db';
import { loadWorkerConfig, WorkerConfigError } from './config/worker-config';

/**
 * The settlement worker. Today it connects and waits; clearing, pay-offs and partner notifications arrive with
 * their issues. It exits cleanly on SIGINT/SIGTERM and when the `npm start` parent goes away.
 */
let config;
try {
  config = loadWorkerConfig();
} catch (error) {
  console.error(error instanceof WorkerConfigError ? error.message : error);
  process.exit(1);
}

const dataSource = createDataSource(config.databaseUrl, { extra: { max: 4 } });
let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  if (dataSource.isInitialized) await dataSource.destroy();
  console.log('settlement-worker stopped');
  process.exit(0);
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void stop());

await dataSource.initialize();
console.log('settlement-worker ready (idle)');
// Keep the event loop alive while idle.
setInterval(() => undefined, 60_000);
