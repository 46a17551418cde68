import { Controller, Get, Inject, Param, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { OperatorRole, PartnerRegistry } from '@tixclear/db';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DataSource } from 'typeorm';
import { PARTNER_REGISTRY } from '../../../partners/partners.tokens';
import { roleGrants } from '../../roles';
import { PageSessions, sendPage } from '../page-session';
import { partnerDetail, partnerSummaries } from './partners.reader';
import { partnerNotFoundPage, partnerPage, partnersListPage } from './partners.template';

/**
 * The partners' pages: the list, and one partner with its points, fee schedule history, API keys and merchant
 * keys. Read by every role; an admin also gets the key actions (assets/admin.js calls the operator API, whose
 * guard decides). The same readers as GET /console/api/partners[/{uid}].
 */
@ApiExcludeController()
@Controller('console/partners')
export class PartnersPage {
  constructor(
    private readonly dataSource: DataSource,
    private readonly pages: PageSessions,
    @Inject(PARTNER_REGISTRY) private readonly registry: PartnerRegistry,
  ) {}

  @Get()
  async list(@Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const ctx = await this.pages.signedIn(request, reply, '/console/partners');
    if (!ctx) return;
    sendPage(reply, partnersListPage(ctx, await partnerSummaries(this.dataSource, this.registry)));
  }

  @Get(':uid')
  async one(@Param('uid') uid: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const ctx = await this.pages.signedIn(request, reply, `/console/partners/${uid}`);
    if (!ctx?.operator) return;
    const detail = /^[\x21-\x7e]{1,100}$/.test(uid)
      ? await partnerDetail(this.dataSource, this.registry, uid)
      : null;
    if (!detail) {
      void reply.status(404);
      sendPage(reply, partnerNotFoundPage(ctx));
      return;
    }
    sendPage(reply, partnerPage(ctx, detail, roleGrants(ctx.operator.role as OperatorRole, 'admin')));
  }
}
