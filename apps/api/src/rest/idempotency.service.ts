import { Injectable } from '@nestjs/common';
import { IdempotencyKeyEntity } from '@tixclear/db';
import { DataSource } from 'typeorm';
import type { RestAnswer } from './rest-answer';

/** What a repeat gets back: the stored answer as sent the first time. */
export type StoredAnswer = Pick<RestAnswer, 'status' | 'body' | 'location'>;

export type IdempotencyClaim =
  | { kind: 'claimed'; id: string }
  | { kind: 'replay'; answer: StoredAnswer }
  | { kind: 'reused' }
  | { kind: 'in_progress' };

/**
 * A claim left unanswered this long is abandoned (its process died mid-request) and may be taken over. Far
 * beyond any request's life: the gateway timeout is at most two minutes.
 */
const ABANDONED_AFTER_SECONDS = 600;

/**
 * Idempotency keys of the REST door, per partner. The unique index on (partner_id, key) decides: the request
 * inserts its claim first (`ON CONFLICT DO NOTHING`); exactly one concurrent request wins it, the others read
 * the winner's row. Final answers are stored on the claim; other answers release it so a retry runs again.
 */
@Injectable()
export class IdempotencyService {
  constructor(private readonly dataSource: DataSource) {}

  async claim(partnerId: string, key: string, requestHash: string): Promise<IdempotencyClaim> {
    // A row released between our insert and our read makes us try again; twice is plenty.
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const inserted = await this.dataSource
        .createQueryBuilder()
        .insert()
        .into(IdempotencyKeyEntity)
        .values({ partnerId, key, requestHash, statusCode: null, response: null })
        .orIgnore()
        .returning(['id'])
        .execute();
      const row = (inserted.raw as { id: string }[])[0];
      if (row) return { kind: 'claimed', id: row.id };

      const existing = await this.dataSource
        .getRepository(IdempotencyKeyEntity)
        .findOneBy({ partnerId, key });
      if (!existing) continue;
      if (existing.requestHash !== requestHash) return { kind: 'reused' };
      if (existing.statusCode !== null && existing.response !== null) {
        return { kind: 'replay', answer: existing.response as unknown as StoredAnswer };
      }
      return (await this.takeOver(existing.id))
        ? { kind: 'claimed', id: existing.id }
        : { kind: 'in_progress' };
    }
    return { kind: 'in_progress' };
  }

  async store(claimId: string, answer: RestAnswer): Promise<void> {
    const stored: StoredAnswer = { status: answer.status, body: answer.body, location: answer.location };
    await this.dataSource
      .createQueryBuilder()
      .update(IdempotencyKeyEntity)
      .set({ statusCode: answer.status, response: stored })
      .where('id = :id', { id: claimId })
      .execute();
  }

  async release(claimId: string): Promise<void> {
    await this.dataSource
      .createQueryBuilder()
      .delete()
      .from(IdempotencyKeyEntity)
      .where('id = :id AND status_code IS NULL', { id: claimId })
      .execute();
  }

  /** A conditional update, so that of several retries after a crash exactly one takes the claim over. */
  private async takeOver(claimId: string): Promise<boolean> {
    const result = await this.dataSource
      .createQueryBuilder()
      .update(IdempotencyKeyEntity)
      .set({ createdAt: () => 'now()' })
      .where('id = :id AND status_code IS NULL', { id: claimId })
      .andWhere(`created_at < now() - make_interval(secs => :seconds)`, { seconds: ABANDONED_AFTER_SECONDS })
      .execute();
    return (result.affected ?? 0) === 1;
  }
}
