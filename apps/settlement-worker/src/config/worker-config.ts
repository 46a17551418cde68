import { z } from 'zod';

/** The worker's configuration, validated once at start; every bad variable is named. */
const schema = z.object({
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }),
});

export interface WorkerConfig {
  databaseUrl: string;
}

export class WorkerConfigError extends Error {
  constructor(readonly issues: string) {
    super(`invalid configuration:\n${issues}`);
    this.name = 'WorkerConfigError';
  }
}

export function loadWorkerConfig(env: NodeJS.ProcessEnv = process.env): WorkerConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) throw new WorkerConfigError(z.prettifyError(parsed.error));
  return { databaseUrl: parsed.data.DATABASE_URL };
}
