import { Controller, Get, Param, Query, UseFilters, UseGuards } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { parseInput } from '../../console-body';
import { ConsoleError, ConsoleErrorCode, ConsoleErrorsFilter } from '../../console-errors';
import { ConsoleGuard } from '../../console.guard';
import { Requires } from '../../roles';
import { DocumentedRead } from './console-docs';
import { entriesQuery, entryParams, ledgerParams, partiesQuery, partyParams } from './inputs';
import {
  type EntryDetail,
  entryDetail,
  ledgerParties,
  type PartyEntries,
  partyEntries,
  type PartyPage,
} from './ledger-reads';

/**
 * The ledgers' operator API: the three ledgers' parties with balances, a party's entries (newest first, keyset
 * by entry id), an entry with its lines, its voucher and split. The pages read the same functions.
 */
@ApiTags('console')
@UseFilters(ConsoleErrorsFilter)
@UseGuards(ConsoleGuard)
@Controller('console/api')
export class LedgersApiController {
  constructor(private readonly dataSource: DataSource) {}

  @Get('ledgers/:ledger')
  @Requires('read')
  @DocumentedRead('ledgerParties', {
    summary: "A ledger's parties with their balances",
    description:
      'headquarters, sales or reimbursement: each party and its balance (signed like the journal: what we owe ' +
      'it is negative), in byte order of the party; the next page starts `after` the previous `next`',
    params: { ledger: 'headquarters | sales | reimbursement' },
    query: { after: 'the `next` of the previous page', limit: '1–200, default 50' },
  })
  async parties(@Param() params: unknown, @Query() query: unknown): Promise<{ data: PartyPage }> {
    const { ledger } = parseInput(ledgerParams, params);
    const page = parseInput(partiesQuery, query);
    return { data: await ledgerParties(this.dataSource, ledger, page) };
  }

  @Get('ledgers/:ledger/parties/:party/entries')
  @Requires('read')
  @DocumentedRead('partyEntries', {
    summary: "A party's entries in a ledger, newest first",
    description:
      "The party's balance and its lines by entry (signed amount), newest first by the day posted and entry id; " +
      'a page reads at most 7 posted days, so it may hold fewer than `limit` with a `next`; the next page is ' +
      '`before` the previous `next`',
    params: { ledger: 'headquarters | sales | reimbursement', party: 'the party, URL-encoded' },
    query: { before: 'the `next` of the previous page (`<day>.<entry id>`)', limit: '1–200, default 50' },
  })
  async entries(@Param() params: unknown, @Query() query: unknown): Promise<{ data: PartyEntries }> {
    const { ledger, party } = parseInput(partyParams, params);
    const page = parseInput(entriesQuery, query);
    return { data: await partyEntries(this.dataSource, ledger, party, page) };
  }

  @Get('entries/:id')
  @Requires('read')
  @DocumentedRead('entry', {
    summary: 'A journal entry with its lines, and for a clearing its voucher, redemption and split',
    description:
      "An entry and its lines (with the chart's codes); a clearing (or a correction of one) adds the clearing " +
      'row (value, escrow, gateway and issuance fees, the three shares and parties, the fee schedule used and ' +
      'the sharing as sold), the redemption line and the voucher with its sale',
    params: { id: 'the entry id' },
    notFound: 'NOT_FOUND: no such entry',
  })
  async entry(@Param() params: unknown): Promise<{ data: EntryDetail }> {
    const { id } = parseInput(entryParams, params);
    const entry = await entryDetail(this.dataSource, id);
    if (!entry) throw new ConsoleError(ConsoleErrorCode.NotFound, 'no such entry');
    return { data: entry };
  }
}
