import { Controller, Get, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { OperatorAccounts, OperatorEntity, type OperatorRole, viewOf } from '@tixclear/db';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DataSource } from 'typeorm';
import { roleGrants } from '../../roles';
import { PageSessions, sendPage } from '../page-session';
import { operatorsPage } from './operators.template';

/**
 * The operators page: one's own account (set or change one's password) for every role; for admins, every
 * account with its actions (the operator API's /console/api/operators routes, called by assets/admin.js).
 */
@ApiExcludeController()
@Controller('console/operators')
export class OperatorsPage {
  readonly #accounts: OperatorAccounts;

  constructor(
    private readonly dataSource: DataSource,
    private readonly pages: PageSessions,
  ) {
    this.#accounts = new OperatorAccounts(dataSource);
  }

  @Get()
  async show(@Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const ctx = await this.pages.signedIn(request, reply, '/console/operators');
    if (!ctx?.operator) return;
    const me = await this.dataSource
      .getRepository(OperatorEntity)
      .findOneByOrFail({ name: ctx.operator.name });
    const isAdmin = roleGrants(ctx.operator.role as OperatorRole, 'admin');
    sendPage(reply, operatorsPage(ctx, viewOf(me), isAdmin ? await this.#accounts.list() : null));
  }
}
