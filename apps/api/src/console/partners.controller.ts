import {
  applyDecorators,
  Body,
  Controller,
  Get,
  Inject,
  Param,
  Post,
  Req,
  Res,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import { ApiBody, ApiCookieAuth, ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { KeyRing } from '@tixclear/crypto';
import { PartnerKeyEntity, PartnerRegistry } from '@tixclear/db';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DataSource, type EntityManager } from 'typeorm';
import { z } from 'zod';
import { clientAddress } from '../common/client-address';
import { API_CONFIG, type ApiConfig } from '../config/api-config';
import { PARTNER_REGISTRY } from '../partners/partners.tokens';
import { Audited, type AuditedAction, withinTransaction } from './audited';
import { parseInput, subjectId } from './console-body';
import { ConsoleError, ConsoleErrorCode, ConsoleErrorsFilter } from './console-errors';
import { ConsoleGuard, sessionOf } from './console.guard';
import {
  apiKeyRow,
  type ApiKeyRow,
  type PartnerDetail,
  partnerDetail,
  type PartnerSummary,
  partnerSummaries,
} from './pages/partners/partners.reader';
import { type Capability, Requires } from './roles';

const rotateBody = z.object({ overlap_hours: z.number().int().min(0).max(168).default(24) }).strict();
const merchantKeyBody = z
  .object({ purpose: z.enum(['inbound', 'upstream']), key: z.string().min(1).max(64) })
  .strict();
const error = { $ref: '#/components/schemas/ConsoleError' };

/** Documents a partner route in the operator API's document (tag `console`). */
function Documented(
  operationId: string,
  summary: string,
  needs: Capability,
  extra: { body?: Record<string, unknown>; refusals?: Record<number, string> } = {},
) {
  const changing = needs !== 'read';
  return applyDecorators(
    ApiOperation({
      operationId: `console_${operationId}`,
      summary,
      description: `${summary}. Needs: ${needs}.`,
    }),
    ApiCookieAuth('session'),
    ApiResponse({ status: changing ? 201 : 200, description: 'Done.' }),
    ApiResponse({ status: 401, description: 'UNAUTHENTICATED: no live session.', schema: error }),
    ApiResponse({
      status: 403,
      description: 'ROLE_FORBIDDEN, CSRF_INVALID, ORIGIN_FORBIDDEN',
      schema: error,
    }),
    ApiResponse({
      status: 404,
      description: 'NOT_FOUND (no such partner), API_KEY_NOT_FOUND',
      schema: error,
    }),
    ...Object.entries(extra.refusals ?? {}).map(([status, codes]) =>
      ApiResponse({ status: Number(status), description: codes, schema: error }),
    ),
    ...(extra.body ? [ApiBody({ schema: extra.body })] : []),
    ...(changing
      ? [
          ApiHeader({
            name: 'X-CSRF-Token',
            required: true,
            description: 'The token of GET /console/api/me.',
          }),
        ]
      : []),
  );
}

/**
 * Partners for the console: read by every role; their REST API keys (issue, revoke, rotate with an overlap)
 * and merchant keys (the successor the gateway mailed) changed by admins only, through the partner registry
 * the `partners` CLI uses. Every change is audited with the keys before and after: ids, prefixes, fingerprints
 * and validity, never a secret. A new API key's secret is in the answer once (no-store) and nowhere else.
 */
@ApiTags('console')
@UseFilters(ConsoleErrorsFilter)
@UseGuards(ConsoleGuard)
@Controller('console/api/partners')
export class PartnersConsoleController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audited: Audited,
    @Inject(PARTNER_REGISTRY) private readonly registry: PartnerRegistry,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
  ) {}

  @Get()
  @Requires('read')
  @Documented(
    'partners',
    'Partners with their points, active API keys and the nearest merchant key expiry',
    'read',
  )
  async list(): Promise<{ data: PartnerSummary[] }> {
    return { data: await partnerSummaries(this.dataSource, this.registry) };
  }

  @Get(':uid')
  @Requires('read')
  @Documented(
    'partner',
    "A partner: points, fee schedules with when each held, API keys, merchant keys with the gateway's notices",
    'read',
  )
  async detail(@Param('uid') uid: string): Promise<{ data: PartnerDetail }> {
    const detail = await partnerDetail(this.dataSource, this.registry, subjectId(uid));
    if (!detail) throw new ConsoleError(ConsoleErrorCode.NotFound, 'no such partner');
    return { data: detail };
  }

  @Post(':uid/api-keys')
  @Requires('admin')
  @Documented(
    'partnerApiKeyIssue',
    'Issue a REST API key (its secret is answered once, never again)',
    'admin',
  )
  async issue(
    @Param('uid') uid: string,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<{ data: { id: string; prefix: string; secret: string } }> {
    const action = await this.apiKeyAction(request, 'partner.api_key_issue', uid);
    const issued = await this.audited.inTransaction(action, (tx) => this.registryIn(tx).newApiKey(uid));
    void reply.header('cache-control', 'no-store');
    return { data: issued };
  }

  @Post(':uid/api-keys/:keyId/revoke')
  @Requires('admin')
  @Documented('partnerApiKeyRevoke', 'Revoke a REST API key now (one in a rotation overlap too)', 'admin', {
    refusals: { 409: 'API_KEY_NOT_ACTIVE' },
  })
  async revoke(
    @Param('uid') uid: string,
    @Param('keyId') keyId: string,
    @Req() request: FastifyRequest,
  ): Promise<{ data: ApiKeyRow }> {
    const action = await this.apiKeyAction(request, 'partner.api_key_revoke', uid);
    const revoked = await this.audited.inTransaction(action, (tx) =>
      this.registryIn(tx).revokeApiKey(uid, subjectId(keyId)),
    );
    return { data: apiKeyRow(revoked) };
  }

  @Post(':uid/api-keys/:keyId/rotate')
  @Requires('admin')
  @Documented(
    'partnerApiKeyRotate',
    'Rotate a REST API key: a new key now (secret answered once), the old one working for overlap_hours (0–168, default 24), then refused',
    'admin',
    {
      body: {
        type: 'object',
        properties: { overlap_hours: { type: 'integer', minimum: 0, maximum: 168, default: 24 } },
      },
      refusals: { 400: 'BODY_INVALID (overlap_hours)', 409: 'API_KEY_NOT_ACTIVE' },
    },
  )
  async rotate(
    @Param('uid') uid: string,
    @Param('keyId') keyId: string,
    @Body() body: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<{ data: { issued: { id: string; prefix: string; secret: string }; previous: ApiKeyRow } }> {
    const { overlap_hours: hours } = parseInput(rotateBody, body);
    const action = await this.apiKeyAction(request, 'partner.api_key_rotate', uid);
    const { issued, previous } = await this.audited.inTransaction(action, (tx) =>
      this.registryIn(tx).rotateApiKey(uid, subjectId(keyId), hours * 3_600_000),
    );
    void reply.header('cache-control', 'no-store');
    return { data: { issued, previous: apiKeyRow(previous) } };
  }

  @Post(':uid/merchant-keys')
  @Requires('admin')
  @Documented(
    'partnerMerchantKeyAdd',
    "Register the successor merchant key the gateway mailed: valid from 7 days before the newest one's end, for a year",
    'admin',
    {
      body: {
        type: 'object',
        required: ['purpose', 'key'],
        properties: {
          purpose: { enum: ['inbound', 'upstream'] },
          key: { type: 'string', minLength: 32, maxLength: 32 },
        },
      },
      refusals: { 400: 'BODY_INVALID (purpose, key)', 409: 'CONFLICT (the key is registered already)' },
    },
  )
  async addMerchantKey(
    @Param('uid') uid: string,
    @Body() body: unknown,
    @Req() request: FastifyRequest,
  ): Promise<{ data: { purpose: string; key_id: string; valid_from: string; valid_until: string } }> {
    const { purpose, key } = parseInput(merchantKeyBody, body);
    checkMerchantKey(key);
    const partner = await this.requirePartner(uid);
    const action: AuditedAction = {
      session: sessionOf(request),
      clientAddress: clientAddress(request),
      action: 'partner.merchant_key_add',
      target: `partner:${uid}`,
      snapshot: (manager) => merchantKeysSnapshot(manager, partner.id),
    };
    const added = await this.audited.around(action, () =>
      this.registry.rotateKey(uid, purpose, key).catch((cause: unknown) => {
        // The same key twice: its fingerprint id is unique per partner and purpose.
        const code = (cause as { code?: string; driverError?: { code?: string } }).driverError?.code;
        if (code === '23505')
          throw new ConsoleError(ConsoleErrorCode.Conflict, 'this key is registered already', 'key');
        throw cause;
      }),
    );
    return {
      data: {
        purpose,
        key_id: added.id,
        valid_from: added.validFrom.toISOString(),
        valid_until: added.validUntil.toISOString(),
      },
    };
  }

  private registryIn(tx: EntityManager): PartnerRegistry {
    return new PartnerRegistry(withinTransaction(tx), this.config.masterKey);
  }

  private async requirePartner(uid: string): Promise<{ id: string }> {
    const partner = await this.registry.findByUid(subjectId(uid));
    if (!partner) throw new ConsoleError(ConsoleErrorCode.NotFound, 'no such partner');
    return partner;
  }

  private async apiKeyAction(request: FastifyRequest, name: string, uid: string): Promise<AuditedAction> {
    const partner = await this.requirePartner(uid);
    return {
      session: sessionOf(request),
      clientAddress: clientAddress(request),
      action: name,
      target: `partner:${uid}`,
      // Ids, prefixes and dates: never the hash, never the secret.
      snapshot: (manager) =>
        manager.query<unknown[]>(
          `SELECT id, prefix, created_at, revoked_at FROM partner_api_keys WHERE partner_id = $1
            ORDER BY created_at, id`,
          [partner.id],
        ),
    };
  }
}

/** A merchant key is the gateway's 32-character AES-256 key: anything else would break the partner's key ring. */
function checkMerchantKey(key: string): void {
  try {
    new KeyRing([{ id: 'new', secret: key, validFrom: new Date(0), validUntil: new Date(1) }]);
  } catch {
    throw new ConsoleError(ConsoleErrorCode.BodyInvalid, 'a merchant key is 32 characters', 'key');
  }
}

/** A partner's merchant keys as audited: fingerprints and validity, never the sealed secret. */
async function merchantKeysSnapshot(manager: EntityManager, partnerId: string): Promise<unknown> {
  const keys = await manager.getRepository(PartnerKeyEntity).find({
    where: { partnerId },
    order: { purpose: 'ASC', validFrom: 'ASC', keyId: 'ASC' },
  });
  return keys.map((k) => ({
    purpose: k.purpose,
    keyId: k.keyId,
    validFrom: k.validFrom.toISOString(),
    validUntil: k.validUntil.toISOString(),
  }));
}
