import { Inject, Injectable } from '@nestjs/common';
import type { PartnerContext, PartnerRegistry } from '@tixclear/db';
import { PARTNER_REGISTRY } from './partners.tokens';

const TTL_MS = 30_000;

/**
 * Partner contexts (their opened key rings) for the hot path, cached briefly: opening sealed keys on every
 * request would cost a database round trip and an AES-GCM open each time. A rotated key is seen within TTL_MS.
 */
@Injectable()
export class PartnerDirectory {
  readonly #cache = new Map<string, { context: PartnerContext | null; until: number }>();

  constructor(@Inject(PARTNER_REGISTRY) private readonly registry: PartnerRegistry) {}

  async byUid(partnerUid: string): Promise<PartnerContext | null> {
    const now = Date.now();
    const hit = this.#cache.get(partnerUid);
    if (hit && hit.until > now) return hit.context;
    const context = await this.registry.context(partnerUid);
    // Unknown uids are cached too (briefly), so junk traffic does not reach the database each time; the map is
    // bounded by clearing it when it grows past what real partners explain.
    if (this.#cache.size > 10_000) this.#cache.clear();
    this.#cache.set(partnerUid, { context, until: now + TTL_MS });
    return context;
  }

  async byApiKey(secret: string): Promise<PartnerContext | null> {
    const partner = await this.registry.partnerForApiKey(secret);
    return partner ? this.byUid(partner.partnerUid) : null;
  }
}
