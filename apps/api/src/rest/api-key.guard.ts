import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import type { PartnerContext } from '@tixclear/db';
import type { FastifyRequest } from 'fastify';
import { PartnerDirectory } from '../partners/partner-directory.service';
import { RestError, RestErrorCode } from './rest-errors';

/** The authenticated partner of a request, kept beside it (not on it: nothing else should read it). */
const partners = new WeakMap<FastifyRequest, PartnerContext>();

/** Keys are `tix_` + base64url; anything far off that shape is refused without a database round trip. */
const KEY_SHAPE = /^[A-Za-z0-9_-]{16,128}$/;

/**
 * `Authorization: Bearer <api key>`: the key is looked up by its hash (the registry keeps no clear keys). One
 * answer for a missing, malformed, unknown or revoked key, so the answer says nothing about which keys exist.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(private readonly directory: PartnerDirectory) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
    const secret = match?.[1];
    const partner = secret && KEY_SHAPE.test(secret) ? await this.directory.byApiKey(secret) : null;
    if (!partner) {
      throw new RestError(
        RestErrorCode.Unauthenticated,
        'a valid API key is required: Authorization: Bearer <key>',
      );
    }
    partners.set(request, partner);
    request.partnerUid = partner.partner.partnerUid;
    return true;
  }
}

/** The partner ApiKeyGuard authenticated; only for handlers behind the guard. */
export function partnerOf(request: FastifyRequest): PartnerContext {
  const partner = partners.get(request);
  if (!partner) throw new Error('partnerOf: the route is not behind ApiKeyGuard');
  return partner;
}
