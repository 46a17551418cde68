import { Inject, Injectable } from '@nestjs/common';
import type { PartnerContext, PartnerRegistry } from '@tixclear/db';
import { TtlCache } from '@tixclear/domain';
import { PARTNER_UID_WIDTH, wider } from '@tixclear/operations';
import { PARTNER_REGISTRY } from './partners.tokens';

const TTL_MS = 30_000;
/**
 * Entries kept. Each key is a partner uid of at most PARTNER_UID_WIDTH characters (longer ones are refused
 * before a lookup); a value is null (unknown uid) or a real partner's context, of which there are few. So the
 * cache stays within a few megabytes whatever uids are sent.
 */
const MAX_ENTRIES = 10_000;

/**
 * Partner contexts (their opened key rings) for the hot path, cached briefly: opening sealed keys on every
 * request would cost a database round trip and an AES-GCM open each time. A rotated key is seen within TTL_MS.
 */
@Injectable()
export class PartnerDirectory {
  // Unknown uids are kept too (as null, briefly), so junk traffic does not reach the database each time; a flood
  // of them evicts the oldest entries only.
  readonly #cache = new TtlCache<string, PartnerContext | null>(TTL_MS, MAX_ENTRIES);

  constructor(@Inject(PARTNER_REGISTRY) private readonly registry: PartnerRegistry) {}

  async byUid(partnerUid: string): Promise<PartnerContext | null> {
    // No partner has a longer uid; such text is neither looked up nor kept.
    if (wider(partnerUid, PARTNER_UID_WIDTH)) return null;
    return this.#cache.get(partnerUid, () => this.registry.context(partnerUid));
  }

  async byApiKey(secret: string): Promise<PartnerContext | null> {
    const partner = await this.registry.partnerForApiKey(secret);
    return partner ? this.byUid(partner.partnerUid) : null;
  }
}
