import {
  type CreateOrderRequest,
  CreateOrderRequestSchema,
  MAX_ORDER_LINES,
  MAX_QUANTITY,
  type Problem,
} from '@metalmart/contracts';
import { Compile } from 'typebox/compile';
import { Settings } from 'typebox/system';
import type { CartLine } from '../../lib/cart/cart.ts';

/** What the shopper types. The demo's queue-splitting filter matches demo@metalbear.com, so it is the default. */
export interface CheckoutValues {
  name: string;
  email: string;
  line1: string;
  line2: string;
  city: string;
  postalCode: string;
  country: string;
}

export const DEMO_EMAIL = 'demo@metalbear.com';

export const INITIAL_VALUES: CheckoutValues = {
  name: '',
  email: DEMO_EMAIL,
  line1: '',
  line2: '',
  city: '',
  postalCode: '',
  country: '',
};

/** Each form field and the JSON pointer the API (and the schema's errors) use for it. */
export const FIELD_POINTERS: Record<keyof CheckoutValues, string> = {
  name: '/customer/name',
  email: '/customer/email',
  line1: '/shippingAddress/line1',
  line2: '/shippingAddress/line2',
  city: '/shippingAddress/city',
  postalCode: '/shippingAddress/postalCode',
  country: '/shippingAddress/country',
};

/** A field's longest value, read from the schema the API validates with: the page never repeats a limit. */
export function maxLengthOf(key: keyof CheckoutValues): number | undefined {
  let node: unknown = CreateOrderRequestSchema;
  for (const name of FIELD_POINTERS[key].split('/').slice(1)) {
    node = (node as { properties?: Record<string, unknown> } | undefined)?.properties?.[name];
  }
  return (node as { maxLength?: number } | undefined)?.maxLength;
}

/** Field errors by JSON pointer (`/customer/email`, `/items/0/quantity`, …). */
export type FieldErrors = Record<string, string>;

export function toOrderRequest(values: CheckoutValues, lines: readonly CartLine[]): CreateOrderRequest {
  const line2 = values.line2.trim();
  return {
    customer: { name: values.name.trim(), email: values.email.trim() },
    shippingAddress: {
      line1: values.line1.trim(),
      ...(line2 ? { line2 } : {}),
      city: values.city.trim(),
      postalCode: values.postalCode.trim(),
      country: values.country.trim().toUpperCase(),
    },
    items: lines.map((line) => ({ productId: line.productId, quantity: line.quantity })),
  };
}

const requestValidator = Compile(CreateOrderRequestSchema);

/** The API's own rules (the shared schema), worded for people; one message per field, the first one found. */
export function validateOrderRequest(request: CreateOrderRequest): FieldErrors {
  if (requestValidator.Check(request)) return {};
  const errors: FieldErrors = {};
  for (const error of allErrors(request)) {
    const pointers =
      error.keyword === 'required' && 'requiredProperties' in error.params
        ? error.params.requiredProperties.map((property) => `${error.instancePath}/${property}`)
        : [error.instancePath];
    for (const pointer of pointers) {
      errors[pointer] ??= friendlyMessage(pointer, error.keyword, valueAt(request, pointer), limitOf(error.params));
    }
  }
  return errors;
}

/** TypeBox stops at 8 errors by default; a blank form has more, and every field should show its own. */
function allErrors(request: CreateOrderRequest) {
  const { maxErrors } = Settings.Get();
  Settings.Set({ maxErrors: 100 });
  try {
    return requestValidator.Errors(request);
  } finally {
    Settings.Set({ maxErrors });
  }
}

interface FieldWords {
  missing: string;
  invalid?: string;
}

const FIELD_WORDS: Record<string, FieldWords> = {
  '/customer/name': { missing: 'Enter your full name.' },
  '/customer/email': { missing: 'Enter your email address.', invalid: 'Enter an email address like name@example.com.' },
  '/shippingAddress/line1': { missing: 'Enter the street address.' },
  '/shippingAddress/city': { missing: 'Enter the town or city.' },
  '/shippingAddress/postalCode': {
    missing: 'Enter the postal code.',
    invalid: 'Use only letters, digits, spaces and hyphens, starting with a letter or digit.',
  },
  '/shippingAddress/country': { missing: 'Choose a country.', invalid: 'Choose a country from the list.' },
};

function friendlyMessage(pointer: string, keyword: string, value: unknown, limit: number | undefined): string {
  if (pointer === '/items') {
    return keyword === 'maxItems'
      ? `An order can hold at most ${MAX_ORDER_LINES} different products.`
      : 'Your cart is empty.';
  }
  if (/^\/items\/\d+\/quantity$/.test(pointer)) return `Choose a quantity between 1 and ${MAX_QUANTITY}.`;
  if (/^\/items\/\d+\/productId$/.test(pointer)) return 'This product can’t be ordered.';

  const words = FIELD_WORDS[pointer];
  const blank = typeof value !== 'string' || value.trim() === '';
  if (keyword === 'maxLength' && limit !== undefined) return `Use at most ${limit} characters.`;
  if (words && (blank || keyword === 'required')) return words.missing;
  return words?.invalid ?? words?.missing ?? 'Check this value.';
}

function limitOf(params: object): number | undefined {
  return 'limit' in params && typeof params.limit === 'number' ? params.limit : undefined;
}

function valueAt(root: unknown, pointer: string): unknown {
  let value = root;
  for (const segment of pointer.split('/').slice(1)) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[segment];
  }
  return value;
}

/**
 * The problem's `errors` by JSON pointer. Tolerates `/body/customer/email` and `customer.email` spellings;
 * the contract says `/customer/email`.
 */
export function problemFieldErrors(problem: Problem | undefined): FieldErrors {
  const errors: FieldErrors = {};
  for (const { field, message } of problem?.errors ?? []) {
    let pointer = field.startsWith('/') ? field : `/${field.replaceAll('.', '/')}`;
    if (pointer.startsWith('/body/')) pointer = pointer.slice('/body'.length);
    errors[pointer] ??= message;
  }
  return errors;
}
