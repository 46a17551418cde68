import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DataSource } from 'typeorm';
import { PageSessions, sendPage } from '../page-session';
import { entriesQuery, entryParams, ledgerParams, partiesQuery, partyParams } from './inputs';
import { entryDetail, ledgerParties, partyEntries } from './ledger-reads';
import { entryPage, ledgersPage, notFoundPage, partyPage } from './ledgers.template';

/**
 * The ledgers' pages: `/console/ledgers?ledger=` (parties and balances), a party's entries, an entry with its
 * voucher and split. They read the functions the operator API answers with (ledger-reads.ts); a bad page
 * parameter shows the first page rather than an error, an unknown entry or party a 404 page.
 */
@ApiExcludeController()
@Controller('console/ledgers')
export class LedgersPageController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly pages: PageSessions,
  ) {}

  @Get()
  async ledgers(
    @Query() query: Record<string, unknown>,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const ctx = await this.pages.signedIn(request, reply, '/console/ledgers');
    if (!ctx) return;
    const chosen = ledgerParams.safeParse({ ledger: query.ledger });
    const paged = partiesQuery.safeParse({ after: query.after });
    const page = await ledgerParties(
      this.dataSource,
      chosen.success ? chosen.data.ledger : 'headquarters',
      paged.success ? paged.data : { limit: 50 },
    );
    sendPage(reply, ledgersPage(ctx, page));
  }

  @Get('entries/:id')
  async entry(@Param() params: unknown, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const ctx = await this.pages.signedIn(request, reply, '/console/ledgers');
    if (!ctx) return;
    const parsed = entryParams.safeParse(params);
    const entry = parsed.success ? await entryDetail(this.dataSource, parsed.data.id) : null;
    if (!entry) {
      void reply.status(404);
      return sendPage(reply, notFoundPage(ctx, 'no_entry'));
    }
    sendPage(reply, entryPage(ctx, entry));
  }

  @Get(':ledger/parties/:party')
  async party(
    @Param() params: unknown,
    @Query() query: Record<string, unknown>,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const ctx = await this.pages.signedIn(request, reply, '/console/ledgers');
    if (!ctx) return;
    const parsed = partyParams.safeParse(params);
    if (!parsed.success) {
      void reply.status(404);
      return sendPage(reply, notFoundPage(ctx, 'no_party'));
    }
    const paged = entriesQuery.safeParse({ before: query.before });
    const page = await partyEntries(
      this.dataSource,
      parsed.data.ledger,
      parsed.data.party,
      paged.success ? paged.data : { limit: 50 },
    );
    sendPage(reply, partyPage(ctx, page));
  }
}
