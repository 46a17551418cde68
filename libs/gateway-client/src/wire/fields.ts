import type { Twd } from '@tixclear/domain';
import { z } from 'zod';
import { canonicalDecimal, parseDecimal } from './decimal';
import { parseJsonStringArray, parseJsonText } from './json-in-string';
import { isNonNegativeTwd, isWholeTwd, parseWholeTwd } from './money';
import { formatTaiwanTimestamp, isTaiwanDate, readTaiwanDate, readTaiwanTimestamp } from './taiwan-time';

/*
 * Field codecs shared by every command schema. Each is a zod codec: its input side is the wire (what travels,
 * loose where the gateway is loose), its output side the normalised value our code works with. `schema.parse`
 * (or `z.decode`) validates a wire value and normalises it; `z.encode` validates a normalised value and writes
 * the wire form. One definition per field kind, so requests, answers and notifications agree.
 */

// ---------------------------------------------------------------------------------------------------------
// Money and numbers

const wireWholeAmount = z
  .union([z.number(), z.string()])
  .refine(isWholeTwd, { message: 'Expected a whole TWD amount (a number or a numeric string).' });

const normalisedTwd = z.custom<Twd>(isNonNegativeTwd, {
  message: 'Expected a non-negative whole TWD amount.',
});

/** Whole TWD: `50`, `"100"` or `"50.00"` on the wire, a non-negative `Twd` (domain money) after decoding. */
export const twd = z.codec(wireWholeAmount, normalisedTwd, {
  decode: (wire) => parseWholeTwd(wire) as Twd,
  encode: (amount): number => amount,
});

/** Whole TWD that the gateway may leave empty (`""` or `null`), which decodes to `null`. */
export const optionalTwd = z.codec(
  z.union([wireWholeAmount, z.literal(''), z.null()]),
  normalisedTwd.nullable(),
  {
    decode: (wire) => (wire === '' || wire === null ? null : (parseWholeTwd(wire) as Twd)),
    encode: (amount): number | '' => amount ?? '',
  },
);

/** Whole TWD that a table types `string` (seed 003's esvcrefund row): read like `optionalTwd`, written back as text. */
export const optionalTwdText = z.codec(
  z.union([wireWholeAmount, z.literal(''), z.null()]),
  normalisedTwd.nullable(),
  {
    decode: (wire) => (wire === '' || wire === null ? null : (parseWholeTwd(wire) as Twd)),
    encode: (amount): string => (amount === null ? '' : String(amount)),
  },
);

const wireInteger = z.union([z.number().int(), z.string().regex(/^\s*-?\d+\s*$/, 'Expected an integer.')]);

/** An integer (count, flag, enumeration) sent as a number or a numeric string. */
export const int = z.codec(wireInteger, z.number().int(), {
  decode: (wire) => Number(wire),
  encode: (n) => n,
});

/** A non-negative integer count (`amount`, `gift_number`). */
export const count = z.codec(wireInteger, z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER), {
  decode: (wire) => Number(wire),
  encode: (n) => n,
});

/** One of a few integer values (the seeds' 值內容 tables), from a number or a numeric string. */
export function intOneOf<const T extends readonly [number, ...number[]]>(values: T) {
  return z.codec(wireInteger, z.literal(values), {
    decode: (wire) => Number(wire) as T[number],
    encode: (n) => n,
  });
}

/**
 * An exact decimal ratio (the sharing fractions): `"0.15"` in requests, `0.15` in answers. Normalised to its
 * canonical decimal text so that nothing downstream ever holds it as a double.
 */
export const decimalRatio = z.codec(
  z
    .union([z.number(), z.string()])
    .refine((v) => parseDecimal(v) !== undefined, { message: 'Expected a decimal number.' }),
  z.string().refine((v) => parseDecimal(v) !== undefined, { message: 'Expected a decimal number.' }),
  {
    decode: (wire) => canonicalDecimal(parseDecimal(wire) as NonNullable<ReturnType<typeof parseDecimal>>),
    encode: (text) => text,
  },
);

/**
 * The same ratio in an answer we write back in the gateway's shape (the API's `/api/init` answers): decoded to
 * its exact text like `decimalRatio`, encoded as the JSON number the gateway sends (`0.15`). Display only:
 * a ratio of at most 15 significant digits prints back as the same text, and nothing computes with it.
 */
export const decimalRatioAnswer = z.codec(
  z
    .union([z.number(), z.string()])
    .refine((v) => parseDecimal(v) !== undefined, { message: 'Expected a decimal number.' }),
  z.string().refine((v) => parseDecimal(v) !== undefined, { message: 'Expected a decimal number.' }),
  {
    decode: (wire) => canonicalDecimal(parseDecimal(wire) as NonNullable<ReturnType<typeof parseDecimal>>),
    encode: (text) => Number(text),
  },
);

// ---------------------------------------------------------------------------------------------------------
// Identifiers and codes

/** Text the gateway sometimes writes as a number (`"uid": 81127` next to `"uid": "93"`); always a string after. */
export const looseString = z.codec(z.union([z.string(), z.number()]), z.string(), {
  decode: (wire) => String(wire),
  encode: (text) => text,
});

/**
 * Text the documents show as a JSON number (`"uid": 81127` in the orders answer): read like `looseString`, and
 * written back (our /api/init answers) as that number when it is a plain integer, so the answer keeps the
 * document's JSON type.
 */
export const numberText = z.codec(z.union([z.string(), z.number()]), z.string(), {
  decode: (wire) => String(wire),
  encode: (text): string | number => (/^(0|[1-9]\d{0,14})$/.test(text) ? Number(text) : text),
});

/** A status code (`"250"`, `"B200"`, `"S05"`, `"C2001"`). Numbers are accepted and read as their text. */
export const gatewayCode = looseString;

/** Optional free text that the gateway may write as `null`. */
export const optionalText = z.string().nullish();

/** `store_uid`, `order_id`, item ids: text, non-empty. */
export const nonEmpty = z.string().min(1);

/** Ids limited to `[A-Za-z0-9]` and 32 bytes (item ids, custom serial numbers). ASCII, so bytes = characters. */
export const alnumId32 = z
  .string()
  .regex(/^[A-Za-z0-9]{1,32}$/, 'Expected 1 to 32 characters of [A-Za-z0-9].');

/** `order_id`: unique per merchant, at most 50 bytes (UTF-8). */
export const orderId = z
  .string()
  .min(1)
  .refine((v) => Buffer.byteLength(v, 'utf8') <= 50, { message: 'Expected at most 50 bytes.' });

// ---------------------------------------------------------------------------------------------------------
// Time

const timestampText = z.string().refine((v) => readTaiwanTimestamp(v) !== undefined, {
  message: 'Expected a YYYYMMDDHHmmss Taiwan timestamp.',
});

/** `YYYYMMDDHHmmss` in Taiwan time ⇄ the instant. */
export const taiwanTimestamp = z.codec(timestampText, z.date(), {
  decode: (wire) => readTaiwanTimestamp(wire) as Date,
  encode: (instant) => formatTaiwanTimestamp(instant),
});

/** A timestamp the gateway leaves `""` (or `null`) until it exists, e.g. `finishtime` of an unfinished order. */
export const optionalTaiwanTimestamp = z.codec(
  z.union([timestampText, z.literal(''), z.null()]),
  z.date().nullable(),
  {
    decode: (wire) => (wire === '' || wire === null ? null : (readTaiwanTimestamp(wire) as Date)),
    encode: (instant) => (instant === null ? '' : formatTaiwanTimestamp(instant)),
  },
);

/**
 * A date-or-timestamp: the PayPage tables say `YYYYMMDD` for invoice dates while the samples show
 * `"20220301151856"`. Either decodes to an instant (a bare date to 00:00 Taiwan time); `""` to `null`.
 */
export const taiwanDateOrTimestamp = z.codec(
  z.union([z.string(), z.null()]).refine((v) => v === null || v === '' || toInstant(v) !== undefined, {
    message: 'Expected YYYYMMDD or YYYYMMDDHHmmss.',
  }),
  z.date().nullable(),
  {
    decode: (wire) => (wire === null || wire === '' ? null : (toInstant(wire) as Date)),
    encode: (instant) => (instant === null ? '' : formatTaiwanTimestamp(instant)),
  },
);

function toInstant(text: string): Date | undefined {
  return text.length === 8 ? readTaiwanDate(text) : readTaiwanTimestamp(text);
}

/**
 * A calendar date `YYYYMMDD`. Kept as validated text, not turned into an instant: a trust end date or an
 * expected pay-out day is a day on the Taiwan calendar, and an instant would invite off-by-one-day bugs.
 */
export const calendarDate = z.string().refine(isTaiwanDate, { message: 'Expected a real YYYYMMDD date.' });

/** A calendar date the gateway may leave empty; `""`/`null` decode to `null`. */
export const optionalCalendarDate = z.codec(
  z.union([calendarDate, z.literal(''), z.null()]),
  calendarDate.nullable(),
  {
    decode: (wire) => (wire === '' || wire === null ? null : wire),
    encode: (date) => date ?? '',
  },
);

// ---------------------------------------------------------------------------------------------------------
// JSON inside a string

/** `"[\"A00049\",\"A00050\"]"` ⇄ `['A00049', 'A00050']`; `""` reads as `[]`. */
export const jsonStringArray = z.codec(
  z.string().refine((v) => parseJsonStringArray(v) !== undefined, {
    message: 'Expected a JSON array of strings in a string.',
  }),
  z.array(z.string()),
  {
    decode: (wire) => parseJsonStringArray(wire) as string[],
    encode: (list) => JSON.stringify(list),
  },
);

/**
 * A JSON document inside a string (`invoice_order_detail`, `redeem`, `result_content`); `""` reads as `null`.
 * The content is not validated further: we keep it for display and audit, we do not compute with it.
 */
export const jsonText = z.codec(
  z.union([z.string(), z.null()]).refine((v) => v === null || parseJsonText(v) !== undefined, {
    message: 'Expected JSON inside a string.',
  }),
  z.unknown(),
  {
    decode: (wire) => (wire === null ? null : (parseJsonText(wire) as { value: unknown }).value),
    encode: (value) => (value === null || value === undefined ? '' : JSON.stringify(value)),
  },
);

/**
 * The offline `pay_token`: either one digital token (`MYTIX` + 16 characters) or a JSON string holding a list
 * of physical serials. Decodes to the token text or to the parsed list.
 */
export const payToken = z.codec(z.string().min(1), z.union([z.string(), z.array(z.string())]), {
  decode: (wire) => (wire.trim().startsWith('[') ? (parseJsonStringArray(wire) ?? wire) : wire),
  encode: (token) => (typeof token === 'string' ? token : JSON.stringify(token)),
});

// ---------------------------------------------------------------------------------------------------------
// Echo fields

/** `echo_0`..`echo_4`: the merchant's own values, returned as sent. */
export const echoFields = {
  echo_0: z.string().optional(),
  echo_1: z.string().optional(),
  echo_2: z.string().optional(),
  echo_3: z.string().optional(),
  echo_4: z.string().optional(),
};

/** The echo fields in answers, where the gateway may write `null`. */
export const echoFieldsLoose = {
  echo_0: optionalText,
  echo_1: optionalText,
  echo_2: optionalText,
  echo_3: optionalText,
  echo_4: optionalText,
};
