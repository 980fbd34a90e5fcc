import { type Static, Type } from 'typebox';

// One schema per request, response and event: the Order Service validates and documents (OpenAPI) with
// them, the processor validates events with them, the frontend mirrors the request rules with them.

const NonBlank = (maxLength: number) => Type.String({ minLength: 1, maxLength, pattern: '\\S' });

export const MAX_QUANTITY = 99;
export const MAX_ORDER_LINES = 50;

export const OrderStatusSchema = Type.Union([
  Type.Literal('pending'),
  Type.Literal('processing'),
  Type.Literal('confirmed'),
  Type.Literal('shipped'),
]);

export const CustomerSchema = Type.Object(
  {
    name: NonBlank(100),
    email: Type.String({ format: 'email', maxLength: 254 }),
  },
  { additionalProperties: false },
);

export const ShippingAddressSchema = Type.Object(
  {
    line1: NonBlank(200),
    line2: Type.Optional(Type.String({ maxLength: 200 })),
    city: NonBlank(100),
    postalCode: Type.String({ minLength: 1, maxLength: 20, pattern: '^[A-Za-z0-9][A-Za-z0-9 -]*$' }),
    country: Type.String({ pattern: '^[A-Z]{2}$', description: 'ISO 3166-1 alpha-2 code, e.g. DE' }),
  },
  { additionalProperties: false },
);

export const ProductIdSchema = Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z0-9-]+$' });

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
const Cents = Type.Integer({ minimum: 0 });
const Currency = Type.String({ pattern: '^[A-Z]{3}$' });

export const CreateOrderResponseSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  orderNumber: Type.String(),
  trackingToken: Type.String(),
  status: OrderStatusSchema,
  totalCents: Cents,
  currency: Currency,
  createdAt: Timestamp,
});
export type CreateOrderResponse = Static<typeof CreateOrderResponseSchema>;

export const ProductSchema = Type.Object({
  id: ProductIdSchema,
  name: Type.String(),
  description: Type.String(),
  priceCents: Cents,
  currency: Currency,
  imageUrl: Type.String(),
});
export type Product = Static<typeof ProductSchema>;
export const ProductListSchema = Type.Array(ProductSchema);

export const OrderLineSchema = Type.Object({
  productId: ProductIdSchema,
  name: Type.String(),
  quantity: Type.Integer({ minimum: 1 }),
  unitPriceCents: Cents,
});
export type OrderLine = Static<typeof OrderLineSchema>;

/** Which processor instance moved an order, and from which Kafka record. */
export const ProcessedBySchema = Type.Object(
  {
    instance: Type.String({ minLength: 1, maxLength: 200 }),
    topic: Type.String({ minLength: 1, maxLength: 249 }),
    partition: Type.Integer({ minimum: 0 }),
    offset: Type.String({ pattern: '^[0-9]{1,20}$', description: 'Kafka offset (int64 as a string)' }),
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
  orderNumber: Type.String(),
  status: OrderStatusSchema,
  items: Type.Array(OrderLineSchema),
  totalCents: Cents,
  currency: Currency,
  createdAt: Timestamp,
  /** Masked: the tracking page never shows the full email or address. */
  customer: Type.Object({ name: Type.String(), email: Type.String() }),
  shipTo: Type.Object({ city: Type.String(), country: Type.String() }),
  history: Type.Array(StatusHistoryEntrySchema),
});
export type TrackingResponse = Static<typeof TrackingResponseSchema>;

export const StatusUpdateRequestSchema = Type.Object(
  {
    status: Type.Union([Type.Literal('processing'), Type.Literal('confirmed'), Type.Literal('shipped')]),
    processedBy: ProcessedBySchema,
  },
  { additionalProperties: false },
);
export type StatusUpdateRequest = Static<typeof StatusUpdateRequestSchema>;

export const StatusUpdateResponseSchema = Type.Object({
  id: Type.String(),
  status: OrderStatusSchema,
  /** false when the transition had already been recorded (a redelivered message): nothing changed. */
  applied: Type.Boolean(),
});
export type StatusUpdateResponse = Static<typeof StatusUpdateResponseSchema>;

export const InternalOrderSchema = Type.Object({
  id: Type.String(),
  orderNumber: Type.String(),
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
  type: Type.Optional(Type.String()),
  title: Type.String(),
  status: Type.Integer(),
  detail: Type.Optional(Type.String()),
  errors: Type.Optional(Type.Array(Type.Object({ field: Type.String(), message: Type.String() }))),
});
export type Problem = Static<typeof ProblemSchema>;
export type Customer = Static<typeof CustomerSchema>;
export type ShippingAddress = Static<typeof ShippingAddressSchema>;
