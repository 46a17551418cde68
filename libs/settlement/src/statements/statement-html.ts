import { itemLabel, SECTION_LABELS, type Label } from './labels';
import type { Section, Statement, StatementLine } from './statement';

/**
 * A statement as one self-contained printable HTML page: inline CSS (A4, print rules, no web font, no script,
 * no external resource), Traditional Chinese labels with the English beside them. No clock reaches the page,
 * so one statement prints the same bytes every time. Every text from the database is escaped.
 */
export function statementHtml(statement: Statement): string {
  const { partner, period } = statement;
  const title = `${partner.uid} ${period.label}`;
  const range = period.start === period.end ? period.start : `${period.start} – ${period.end}`;
  return `<!DOCTYPE html>
<html lang="zh-Hant-TW">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>對帳單 Statement ${escape(title)}</title>
<style>${CSS}</style>
</head>
<body>
<header>
<h1>${label({ zh: '合作夥伴對帳單', en: 'Partner statement' })}</h1>
<dl>
<dt>${label({ zh: '合作夥伴', en: 'Partner' })}</dt><dd>${escape(partner.name)} (${escape(partner.uid)})</dd>
<dt>${label({ zh: '發行者', en: 'Issuer' })}</dt><dd>${escape(partner.issuer)}</dd>
<dt>${label({ zh: '期間', en: 'Period' })}</dt><dd>${escape(range)}</dd>
<dt>${label({ zh: '幣別', en: 'Currency' })}</dt><dd>TWD</dd>
</dl>
</header>
${summary(statement, 'sales')}
${summary(statement, 'refunds')}
${summary(statement, 'redemptions')}
${summary(statement, 'trust')}
${summary(statement, 'payments')}
${balances(statement)}
${payouts(statement)}
<footer>${label({
    zh: '金額為新臺幣整數元；應付餘額為本公司應付予貴方之金額。',
    en: 'Amounts in whole TWD; a balance owed is what we owe you.',
  })}</footer>
</body>
</html>
`;
}

const CSS = `
@page { size: A4; margin: 15mm 12mm; }
* { box-sizing: border-box; }
body { font-family: "Noto Sans TC", "PingFang TC", "Microsoft JhengHei", "Heiti TC", sans-serif; font-size: 10pt;
  color: #000; margin: 0 auto; max-width: 190mm; }
h1 { font-size: 16pt; margin: 0 0 4mm; }
h2 { font-size: 12pt; margin: 6mm 0 2mm; border-bottom: 0.4pt solid #000; break-after: avoid; }
.en { color: #444; font-weight: normal; font-size: 0.85em; margin-left: 0.4em; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 1mm 4mm; margin: 0 0 4mm; }
dt { font-weight: bold; } dd { margin: 0; }
table { width: 100%; border-collapse: collapse; page-break-inside: auto; }
thead { display: table-header-group; }
tr { page-break-inside: avoid; break-inside: avoid; }
th, td { border-bottom: 0.3pt solid #999; padding: 1mm 1.5mm; text-align: left; vertical-align: top; }
th { background: #eee; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.total td { font-weight: bold; border-top: 0.6pt solid #000; }
td.ref { font-size: 8pt; word-break: break-all; }
footer { margin-top: 8mm; font-size: 8pt; color: #444; }
@media screen { body { padding: 10mm; } }
`;

const COLUMNS: Readonly<Record<string, Label>> = {
  item: { zh: '項目', en: 'Item' },
  count: { zh: '張數', en: 'Vouchers' },
  amount: { zh: '金額', en: 'Amount' },
  party: { zh: '對象', en: 'Party' },
  account: { zh: '科目', en: 'Account' },
  date: { zh: '日期', en: 'Date' },
  reference: { zh: '撥付批次／項目', en: 'Batch / item' },
};

function summary(statement: Statement, section: Exclude<Section, 'balance' | 'payouts'>): string {
  const rows = lines(statement, section)
    .map((line) => {
      const total = line.item === 'opening' || line.item === 'closing' ? ' class="total"' : '';
      return `<tr${total}><td>${label(itemLabel(line.item))}</td><td class="n">${number(line.count)}</td><td class="n">${number(line.amount)}</td></tr>`;
    })
    .join('\n');
  return table(section, ['item', 'count', 'amount'], rows);
}

/** One row per party and account: opening, earned, paid, closing (what we owe, positive). */
function balances(statement: Statement): string {
  const byAccount = new Map<string, Map<string, StatementLine>>();
  for (const line of lines(statement, 'balance')) {
    const key = `${line.party}\u0000${line.account}`;
    const items = byAccount.get(key) ?? new Map<string, StatementLine>();
    items.set(line.item, line);
    byAccount.set(key, items);
  }
  const items = ['opening', 'credited', 'debited', 'closing'];
  const rows = [...byAccount.entries()]
    .map(([key, values]) => {
      const [party = '', account = ''] = key.split('\u0000');
      const amounts = items.map((item) => `<td class="n">${number(values.get(item)?.amount ?? '')}</td>`);
      return `<tr><td>${escape(party)}</td><td>${escape(account)}</td>${amounts.join('')}</tr>`;
    })
    .join('\n');
  const head = [
    `<th>${label(COLUMNS.party!)}</th>`,
    `<th>${label(COLUMNS.account!)}</th>`,
    ...items.map((item) => `<th class="n">${label(itemLabel(item))}</th>`),
  ];
  return section('balance', head, rows || empty(6));
}

function payouts(statement: Statement): string {
  const rows = lines(statement, 'payouts')
    .map((line) =>
      line.item === 'total'
        ? `<tr class="total"><td colspan="3">${label(itemLabel('total'))}</td><td class="n">${number(line.count)}</td><td class="n">${number(line.amount)}</td></tr>`
        : `<tr><td>${escape(line.postedOn)}</td><td>${escape(line.party)}</td><td class="ref">${escape(line.reference)}<br>${label(itemLabel(line.item))}</td><td class="n">${number(line.count)}</td><td class="n">${number(line.amount)}</td></tr>`,
    )
    .join('\n');
  return table('payouts', ['date', 'party', 'reference', 'count', 'amount'], rows);
}

function table(name: Section, columns: readonly string[], rows: string): string {
  const head = columns.map((column) => {
    const numeric = column === 'count' || column === 'amount';
    return `<th${numeric ? ' class="n"' : ''}>${label(COLUMNS[column]!)}</th>`;
  });
  return section(name, head, rows || empty(columns.length));
}

function section(name: Section, head: readonly string[], rows: string): string {
  return `<section>
<h2>${label(SECTION_LABELS[name])}</h2>
<table>
<thead><tr>${head.join('')}</tr></thead>
<tbody>
${rows}
</tbody>
</table>
</section>`;
}

function empty(columns: number): string {
  return `<tr><td colspan="${columns}">${label({ zh: '無', en: 'None' })}</td></tr>`;
}

const lines = (statement: Statement, section: Section): StatementLine[] =>
  statement.lines.filter((line) => line.section === section);

function label(text: Label): string {
  return `${escape(text.zh)}<span class="en">${escape(text.en)}</span>`;
}

/** Whole TWD or a count with thousands separators, locale-free (the same bytes everywhere); `''` stays empty. */
function number(value: number | ''): string {
  if (value === '') return '';
  const digits = String(Math.abs(value)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return value < 0 ? `−${digits}` : digits;
}

function escape(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}
