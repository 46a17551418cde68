import { commands, type CommandName, type RequestOf } from '@tixclear/gateway-client';
import type { z } from 'zod';
import { OperationError, OperationErrorCode } from '../errors';
import { MAX_LIST_ENTRIES, tooLongList, tooWideField } from './field-widths';
import { MAX_JSON_DEPTH, tooDeepField, unstorableField } from './storable';

/**
 * Reads a partner's request with the gateway's own schema for the command (shape and business rules), so we
 * accept exactly what the gateway would. The first problem is reported with its field in the wire's notation
 * (`items[0].serial_numbers`); the front doors put the field in their answers (the protocol's `100` names it).
 */
export function parseRequest<K extends CommandName>(command: K, wire: unknown): RequestOf<K> {
  // Bounds first, before the schema (recursive) walks the request.
  const deep = tooDeepField(wire);
  if (deep !== undefined) {
    throw new OperationError(
      OperationErrorCode.RequestInvalid,
      `nested deeper than ${MAX_JSON_DEPTH} levels`,
      deep || undefined,
    );
  }
  const wide = tooWideField(wire);
  if (wide) {
    throw new OperationError(
      OperationErrorCode.RequestInvalid,
      `longer than ${wide.width} characters`,
      wide.field,
    );
  }
  const parsed = (commands[command].request as z.ZodType).safeParse(wire);
  if (parsed.success) {
    // Lists as the schema reads them (JSON-in-string serials included), bounded for every statement after.
    const long = tooLongList(parsed.data);
    if (long !== undefined) {
      throw new OperationError(
        OperationErrorCode.RequestInvalid,
        `at most ${MAX_LIST_ENTRIES} entries`,
        long || undefined,
      );
    }
    // The wire is stored as it came (the operation's request, jsonb): text PostgreSQL refuses is bad input.
    const unstorable = unstorableField(wire);
    if (unstorable) {
      throw new OperationError(
        OperationErrorCode.RequestInvalid,
        'NUL characters and broken UTF-16 are not accepted',
        unstorable.field || undefined,
      );
    }
    return parsed.data as RequestOf<K>;
  }
  const issue = parsed.error.issues[0];
  const field = issue ? fieldOf(issue.path) : undefined;
  throw new OperationError(
    OperationErrorCode.RequestInvalid,
    issue?.message ?? 'invalid request',
    field || undefined,
  );
}

export function fieldOf(path: readonly PropertyKey[]): string {
  return path
    .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
    .join('')
    .replace(/^\./, '');
}

/** The same schema in the other direction: a normalised answer back to its wire form, for the partner. */
export function toWire<K extends CommandName>(command: K, response: unknown): Record<string, unknown> {
  return (commands[command].response as z.ZodType).encode(response) as Record<string, unknown>;
}
