/** HTML-escapes text for element content and quoted attributes (the five characters that matter). */
export function escapeHtml(value: string | number | bigint | boolean | null | undefined): string {
  return String(value ?? '')
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/** HTML that is already escaped; templates pass it through, everything else is escaped. */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

/** Tagged template: interpolated values are escaped unless they are Html (or arrays of Html). */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    const parts = Array.isArray(value) ? value : [value];
    for (const part of parts)
      out += part instanceof Html ? part.value : escapeHtml(part as Parameters<typeof escapeHtml>[0]);
    out += strings[i + 1] ?? '';
  });
  return new Html(out);
}

/**
 * Whole TWD as `NT$1,234` (`-NT$5` below zero): integer digits grouped by string work, never a float. The amount
 * comes from a bigint column as a string or a safe integer.
 */
export function ntd(amount: number | bigint | string): string {
  const digits = BigInt(amount).toString();
  const negative = digits.startsWith('-');
  const bare = negative ? digits.slice(1) : digits;
  const grouped = bare.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${negative ? '-' : ''}NT$${grouped}`;
}

/** A count grouped by thousands (integers only). */
export function count(value: number | bigint | string): string {
  return BigInt(value)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

const taipei = new Intl.DateTimeFormat('sv-SE', {
  timeZone: 'Asia/Taipei',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

/** An instant as Taipei wall time, `2026-12-05 08:30:00`. */
export function taipeiTime(at: Date | string): string {
  return taipei.format(new Date(at));
}
