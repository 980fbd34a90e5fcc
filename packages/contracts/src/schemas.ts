import { type Static, Type } from 'typebox';
import { ORDER_STATUSES, TARGET_STATUSES } from './status.ts';

// One schema per request, response and event: the Order Service validates and documents (OpenAPI) with
// them, the processor validates events with them, the frontend mirrors the request rules with them.

// The text rule, for every free-text string of the contracts: no C0 control characters (U+0000–U+001F: NUL,
// tab, newline, …), no DEL, no unpaired surrogates. PostgreSQL cannot store NUL in text or jsonb nor an unpaired
// surrogate (jsonb: "unsupported Unicode escape sequence"), and no name or address line needs a control
// character (the shop's form fields are single-line inputs). Two parts, because the OpenAPI document is read by
// regex engines that cannot all name a surrogate (Rust's `regex`, in Schemathesis, refuses `\ud800`; a
// JavaScript regex without the `u` flag — fast-json-stringify's schema check — refuses an astral range):
// - the controls: a `pattern` every engine reads alike (explicit `\uXXXX` classes; no `\s`, no `.`);
// - unpaired surrogates: a TypeBox refinement (`/\\p{Cs}/u`, what `String.prototype.isWellFormed` tests),
//   checked by every TypeBox validator (Fastify's, the processor's event parser, the frontend's form) and not
//   emitted into JSON Schema. A reader of the document that ignores it loses nothing it could generate.
const CONTROLS = '\\u0000-\\u001f\\u007f';
// What `String.prototype.trim` removes, minus the controls already forbidden: a field of only these is blank.
const BLANK = '\\u0020\\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff';
/** No control characters. */
export const TEXT_PATTERN = `^[^${CONTROLS}]*$`;
/** No control characters, and one character that is not blank (leading blanks, then one that is not: linear). */
export const NON_BLANK_TEXT_PATTERN = `^[${BLANK}]*[^${CONTROLS}${BLANK}][^${CONTROLS}]*$`;
export const TEXT_RULE_MESSAGE = 'must not contain control characters (U+0000–U+001F, U+007F) or unpaired surrogates';

// With the `u` flag a pair is one code point (not a surrogate): this matches only a surrogate on its own.
const UNPAIRED_SURROGATE = /\p{Cs}/u;

type StringOptions = NonNullable<Parameters<typeof Type.String>[0]>;
/** The text rule on a string schema: its pattern plus the well-formedness refinement. */
export const textRule = (options: StringOptions & { pattern: string }) =>
  Type.Refine(
    Type.String(options),
    (value) => !UNPAIRED_SURROGATE.test(value),
    () => TEXT_RULE_MESSAGE,
  );
/** A free-text string under the text rule. */
export const Text = (options: StringOptions = {}) => textRule({ ...options, pattern: TEXT_PATTERN });
const NonBlank = (maxLength: number) => textRule({ minLength: 1, maxLength, pattern: NON_BLANK_TEXT_PATTERN });

/** PostgreSQL `integer` (and Kafka's int32 partition numbers). */
export const INT32_MAX = 2_147_483_647;
/** PostgreSQL `bigint` (and Kafka's int64 offsets), as a decimal string. */
export const INT64_MAX = '9223372036854775807';

/** A regex for the decimal integers 0…max without leading zeros (so a JSON Schema can bound an int64 string). */
export function decimalAtMostPattern(max: string): string {
  const alternatives = ['0'];
  if (max.length > 1) alternatives.push(max.length > 2 ? `[1-9][0-9]{0,${max.length - 2}}` : '[1-9]');
  for (let i = 0; i < max.length; i++) {
    const digit = Number(max[i]);
    const lowest = i === 0 ? 1 : 0;
    if (digit - 1 < lowest) continue;
    const rest = max.length - i - 1;
    const below = digit - 1 === lowest ? `${lowest}` : `[${lowest}-${digit - 1}]`;
    alternatives.push(`${max.slice(0, i)}${below}${rest > 0 ? `[0-9]{${rest}}` : ''}`);
  }
  alternatives.push(max);
  return `^(?:${[...new Set(alternatives)].join('|')})$`;
}

export const MAX_QUANTITY = 99;
export const MAX_ORDER_LINES = 50;

export const OrderStatusSchema = Type.Enum(ORDER_STATUSES);

export const CustomerSchema = Type.Object(
  {
    name: NonBlank(100),
    email: textRule({ format: 'email', maxLength: 254, pattern: TEXT_PATTERN }),
  },
  { additionalProperties: false },
);

export const ShippingAddressSchema = Type.Object(
  {
    line1: NonBlank(200),
    line2: Type.Optional(Text({ maxLength: 200 })),
    city: NonBlank(100),
    postalCode: Type.String({ minLength: 1, maxLength: 20, pattern: '^[A-Za-z0-9][A-Za-z0-9 -]*$' }),
    country: Type.String({ pattern: '^[A-Z]{2}$', description: 'ISO 3166-1 alpha-2 code, e.g. DE' }),
  },
  { additionalProperties: false },
);

export const ProductIdSchema = Type.String({
  minLength: 1,
  maxLength: 64,
  pattern: '^[a-z0-9-]+$',
  examples: ['anvil-classic'],
});

export const OrderLineInputSchema = Type.Object(
  {
    productId: ProductIdSchema,
    quantity: Type.Integer({ minimum: 1, maximum: MAX_QUANTITY }),
  },
  { additionalProperties: false },
);

export const CreateOrderRequestSchema = Type.Object(
  {
    customer: CustomerSchema,
    shippingAddress: ShippingAddressSchema,
    items: Type.Array(OrderLineInputSchema, { minItems: 1, maxItems: MAX_ORDER_LINES }),
  },
  { additionalProperties: false },
);
export type CreateOrderRequest = Static<typeof CreateOrderRequestSchema>;

const Timestamp = Type.String({ format: 'date-time' });
/** Money in cents: PostgreSQL `integer` columns. */
const Cents = Type.Integer({ minimum: 0, maximum: INT32_MAX });
const Currency = Type.String({ pattern: '^[A-Z]{3}$' });

export const CreateOrderResponseSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  orderNumber: Text(),
  trackingToken: Text(),
  status: OrderStatusSchema,
  totalCents: Cents,
  currency: Currency,
  createdAt: Timestamp,
});
export type CreateOrderResponse = Static<typeof CreateOrderResponseSchema>;

export const ProductSchema = Type.Object({
  id: ProductIdSchema,
  name: Text(),
  description: Text(),
  priceCents: Cents,
  currency: Currency,
  imageUrl: Text(),
});
export type Product = Static<typeof ProductSchema>;
export const ProductListSchema = Type.Array(ProductSchema);

export const OrderLineSchema = Type.Object({
  productId: ProductIdSchema,
  name: Text(),
  quantity: Type.Integer({ minimum: 1, maximum: MAX_QUANTITY }),
  unitPriceCents: Cents,
});
export type OrderLine = Static<typeof OrderLineSchema>;

/** Which processor instance moved an order, and from which Kafka record. */
export const ProcessedBySchema = Type.Object(
  {
    instance: Text({ minLength: 1, maxLength: 200 }),
    // Kafka's own rule for topic names.
    topic: Type.String({ minLength: 1, maxLength: 249, pattern: '^[a-zA-Z0-9._-]+$' }),
    // PostgreSQL `integer` / `bigint` columns (Kafka's int32 partition, int64 offset).
    partition: Type.Integer({ minimum: 0, maximum: INT32_MAX }),
    offset: Type.String({
      pattern: decimalAtMostPattern(INT64_MAX),
      description: 'Kafka offset (int64 as a decimal string, 0…9223372036854775807)',
    }),
  },
  { additionalProperties: false },
);
export type ProcessedBy = Static<typeof ProcessedBySchema>;

export const StatusHistoryEntrySchema = Type.Object({
  status: OrderStatusSchema,
  at: Timestamp,
  processedBy: Type.Optional(ProcessedBySchema),
});
export type StatusHistoryEntry = Static<typeof StatusHistoryEntrySchema>;

export const TrackingResponseSchema = Type.Object({
  orderNumber: Text(),
  status: OrderStatusSchema,
  items: Type.Array(OrderLineSchema),
  totalCents: Cents,
  currency: Currency,
  createdAt: Timestamp,
  /** Masked: the tracking page never shows the full email or address. */
  customer: Type.Object({ name: Text(), email: Text() }),
  shipTo: Type.Object({ city: Text(), country: Text() }),
  history: Type.Array(StatusHistoryEntrySchema),
  /** The W3C trace id of the order's trace (its spans in a trace viewer, its log lines in both services). */
  traceId: Type.Optional(Type.String({ pattern: '^[0-9a-f]{32}$' })),
});
export type TrackingResponse = Static<typeof TrackingResponseSchema>;

const TargetStatusSchema = Type.Enum(TARGET_STATUSES);

export const StatusUpdateRequestSchema = Type.Object(
  { status: TargetStatusSchema, processedBy: ProcessedBySchema },
  { additionalProperties: false },
);
export type StatusUpdateRequest = Static<typeof StatusUpdateRequestSchema>;

export const StatusUpdateResponseSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  status: OrderStatusSchema,
  /** false when the transition had already been recorded (a redelivered message): nothing changed. */
  applied: Type.Boolean(),
});
export type StatusUpdateResponse = Static<typeof StatusUpdateResponseSchema>;

/** Most transitions one batch may carry: one statement, one request. */
export const TRANSITION_BATCH_MAX = 500;

/** Many orders, one legal step each, in one request (the processor batches the transitions of its orders). */
export const TransitionBatchRequestSchema = Type.Object(
  {
    transitions: Type.Array(
      Type.Object(
        { id: Type.String({ format: 'uuid' }), status: TargetStatusSchema, processedBy: ProcessedBySchema },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: TRANSITION_BATCH_MAX, description: 'each order at most once' },
    ),
  },
  { additionalProperties: false },
);
export type TransitionBatchRequest = Static<typeof TransitionBatchRequestSchema>;

/** One outcome per transition, in the request's order. */
export const TransitionBatchResponseSchema = Type.Object({
  results: Type.Array(
    Type.Object({
      id: Type.String({ format: 'uuid' }),
      /** applied; already-applied (a redelivery: nothing changed); illegal (the order is elsewhere); not-found. */
      outcome: Type.Union([
        Type.Literal('applied'),
        Type.Literal('already-applied'),
        Type.Literal('illegal'),
        Type.Literal('not-found'),
      ]),
      /** Where the order is now (absent for not-found). */
      status: Type.Optional(OrderStatusSchema),
    }),
  ),
});
export type TransitionBatchResponse = Static<typeof TransitionBatchResponseSchema>;
export type TransitionResult = TransitionBatchResponse['results'][number];

/**
 * What one transition's outcome means, for the Order Service's single-order API and the processor alike: an
 * answer (applied, or already applied: a redelivery), or why it was refused — each side raises its own error.
 */
export function transitionAnswer(
  id: string,
  target: StatusUpdateRequest['status'],
  result: TransitionResult | undefined,
): { answer: StatusUpdateResponse } | { refused: 'illegal' | 'not-found'; message: string } {
  switch (result?.outcome) {
    case 'applied':
      return { answer: { id, status: target, applied: true } };
    case 'already-applied':
      return { answer: { id, status: result.status ?? target, applied: false } };
    case 'illegal':
      return { refused: 'illegal', message: `order is ${result.status}; it cannot move to ${target}` };
    default:
      return { refused: 'not-found', message: `no order ${id}` };
  }
}

export const InternalOrderSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  orderNumber: Text(),
  status: OrderStatusSchema,
  items: Type.Array(OrderLineSchema),
  totalCents: Cents,
  currency: Currency,
  customer: CustomerSchema,
  shippingAddress: ShippingAddressSchema,
  createdAt: Timestamp,
  history: Type.Array(StatusHistoryEntrySchema),
});
export type InternalOrder = Static<typeof InternalOrderSchema>;

/** RFC 9457 problem details; `errors` points at the request fields that were wrong. */
export const ProblemSchema = Type.Object({
  type: Type.Optional(Text()),
  title: Text(),
  status: Type.Integer({ minimum: 400, maximum: 599 }),
  detail: Type.Optional(Text()),
  errors: Type.Optional(Type.Array(Type.Object({ field: Text(), message: Text() }))),
});
export type Problem = Static<typeof ProblemSchema>;
export type Customer = Static<typeof CustomerSchema>;
export type ShippingAddress = Static<typeof ShippingAddressSchema>;
