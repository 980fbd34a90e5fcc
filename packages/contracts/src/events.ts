import { type Static, Type } from 'typebox';
import { Compile } from 'typebox/compile';
import { CustomerSchema, INT32_MAX, MAX_ORDER_LINES, OrderLineSchema, ShippingAddressSchema, Text } from './schemas.ts';

export const ORDER_CREATED = 'order.created';

/** `order.created`, version 1. A change that breaks readers gets a new version, never an edit. */
export const OrderCreatedEventSchema = Type.Object({
  eventId: Type.String({ format: 'uuid' }),
  type: Type.Literal(ORDER_CREATED),
  version: Type.Literal(1),
  occurredAt: Type.String({ format: 'date-time' }),
  order: Type.Object({
    id: Type.String({ format: 'uuid' }),
    orderNumber: Text({ minLength: 1, maxLength: 64 }),
    // The same bounds as the request and the columns (quantity ≤ MAX_QUANTITY, cents in PostgreSQL integer).
    items: Type.Array(OrderLineSchema, { minItems: 1, maxItems: MAX_ORDER_LINES }),
    totalCents: Type.Integer({ minimum: 0, maximum: INT32_MAX }),
    currency: Type.String({ pattern: '^[A-Z]{3}$' }),
    customer: CustomerSchema,
    shippingAddress: ShippingAddressSchema,
  }),
});
export type OrderCreatedEvent = Static<typeof OrderCreatedEventSchema>;

const orderCreatedValidator = Compile(OrderCreatedEventSchema);

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string };

/** Parses and validates a record value; never throws. A deserializer that only casts is not validation. */
export function parseOrderCreatedEvent(raw: Buffer | string | null | undefined): ParseResult<OrderCreatedEvent> {
  if (raw === null || raw === undefined || raw.length === 0) return { ok: false, error: 'empty record value' };
  let value: unknown;
  try {
    value = JSON.parse(raw.toString());
  } catch {
    // Not the parser's message: it quotes the value, which may hold an email or an address (logs must not).
    return { ok: false, error: 'value is not JSON' };
  }
  if (orderCreatedValidator.Check(value)) return { ok: true, value };
  const first = orderCreatedValidator.Errors(value)[0];
  return {
    ok: false,
    error: `value does not match order.created v1: ${first ? `${first.instancePath || '/'} ${first.message}` : 'invalid'}`,
  };
}
