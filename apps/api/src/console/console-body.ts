import type { z } from 'zod';
import { ConsoleError, ConsoleErrorCode } from './console-errors';

/** A request body (or query) read by its zod schema; the first problem answered 400 with its field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const parsed = schema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue?.path.map(String).join('.') || undefined;
  throw new ConsoleError(ConsoleErrorCode.BodyInvalid, issue?.message ?? 'invalid input', field);
}

/** A path parameter naming a subject: 1–100 printable characters, else 404 without a query. */
export function subjectId(value: string): string {
  if (!/^[\x21-\x7e]{1,100}$/.test(value))
    throw new ConsoleError(ConsoleErrorCode.NotFound, 'no such subject');
  return value;
}
