import type { z } from 'zod';

/**
 * One broken business rule of a request, named by the field it concerns so that the API can answer the
 * protocol's `100` with that field and the simulator can reject exactly as the gateway would.
 * `code` is stable (tests and callers branch on it); `message` is for people.
 */
export interface RuleIssue {
  readonly code: string;
  /** Dotted path with indexes, e.g. `items[0].serial_numbers[1]`. */
  readonly field: string;
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/** Renders a path as `items[0].sharing.sales`. */
export function fieldName(path: readonly (string | number)[]): string {
  return path.reduce<string>(
    (acc, part) => (typeof part === 'number' ? `${acc}[${part}]` : acc === '' ? part : `${acc}.${part}`),
    '',
  );
}

export function issue(code: string, path: readonly (string | number)[], message: string): RuleIssue {
  return { code, field: fieldName(path), path, message };
}

/**
 * Adapts a rule function to a zod refinement, so that the same rules run when a schema parses (decode) or
 * encodes, and stay callable on their own. The rule code travels in `params.rule`.
 */
export function refineWith<T>(rules: (value: T) => readonly RuleIssue[]) {
  return (value: T, ctx: z.RefinementCtx): void => {
    for (const found of rules(value)) {
      ctx.addIssue({
        code: 'custom',
        message: found.message,
        path: [...found.path],
        params: { rule: found.code },
      });
    }
  };
}
