import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface HealthReport {
  status: 'ok' | 'degraded';
  database: { status: 'up' | 'down'; latencyMs?: number; error?: string };
  uptimeSeconds: number;
}

@Injectable()
export class HealthService {
  constructor(private readonly dataSource: DataSource) {}

  async report(): Promise<HealthReport> {
    const database = await this.database();
    return {
      status: database.status === 'up' ? 'ok' : 'degraded',
      database,
      uptimeSeconds: Math.floor(process.uptime()),
    };
  }

  private async database(): Promise<HealthReport['database']> {
    const started = performance.now();
    try {
      await this.dataSource.query('SELECT 1');
      return { status: 'up', latencyMs: Math.round(performance.now() - started) };
    } catch (error) {
      // The class of failure only: connection strings and credentials stay out of the answer.
      return { status: 'down', error: error instanceof Error ? error.name : 'unknown' };
    }
  }
}
