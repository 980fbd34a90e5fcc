import { type ChangeEvent, type FormEvent, useEffect, useRef, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { useFetch } from '../../../lib/api-context.tsx';
import { ApiError } from '../../../lib/http.ts';
import { usePageTitle } from '../../../lib/use-page-title.ts';
import { randomUuid } from '../../../lib/uuid.ts';
import { useCart } from '../../cart/CartProvider.tsx';
import { createOrder } from '../api/create-order.ts';
import {
  type CheckoutValues,
  DEMO_EMAIL,
  FIELD_POINTERS,
  type FieldErrors,
  INITIAL_VALUES,
  problemFieldErrors,
  toOrderRequest,
  validateOrderRequest,
} from '../checkout-form.ts';
import { COUNTRIES } from '../countries.ts';
import { type PlacedOrder, savePlacedOrder } from '../placed-order.ts';
import { CheckoutSummary } from './CheckoutSummary.tsx';
import { ErrorSummary } from './ErrorSummary.tsx';
import { Field } from './Field.tsx';

const fieldId = (key: keyof CheckoutValues) => `checkout-${key}`;

const UNAVAILABLE =
  'We couldn’t reach MetalMart, so your order may not have gone through. Placing it again is safe: it will not create a second order.';
const UNEXPECTED =
  'The shop answered in a way this page doesn’t understand. Your order may have been placed; try again in a moment — it will not create a second order.';

export function CheckoutPage() {
  usePageTitle('Checkout');
  const cart = useCart();
  const fetchFn = useFetch();
  const navigate = useNavigate();
  const [values, setValues] = useState<CheckoutValues>(INITIAL_VALUES);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [failure, setFailure] = useState<string>();
  const [submitting, setSubmitting] = useState(false);
  const [validateAsTyped, setValidateAsTyped] = useState(false);
  const [summaryFocus, setSummaryFocus] = useState(0);
  // A ref, not state: a second click in the same tick must see the first one.
  const inFlight = useRef(false);
  // One Idempotency-Key per attempt: kept while the order is unchanged (a retry, a double click), new otherwise.
  const attempt = useRef<{ key: string; body: string } | undefined>(undefined);
  const placed = useRef(false);
  const summaryRef = useRef<HTMLElement>(null);

  useEffect(() => {
    if (summaryFocus > 0) summaryRef.current?.focus();
  }, [summaryFocus]);

  if (cart.lines.length === 0) {
    if (placed.current) return null;
    return (
      <section className="panel empty-state">
        <h1>Checkout</h1>
        <p>Your cart is empty, so there is nothing to check out yet.</p>
        <Link className="button button--primary" to="/">
          Browse the shop
        </Link>
      </section>
    );
  }

  const update = (key: keyof CheckoutValues) => (event: ChangeEvent<HTMLInputElement | HTMLSelectElement>) => {
    const next = { ...values, [key]: event.target.value };
    setValues(next);
    if (!validateAsTyped) return;
    const pointer = FIELD_POINTERS[key];
    const message = validateOrderRequest(toOrderRequest(next, cart.lines))[pointer];
    setErrors(({ [pointer]: _previous, ...rest }) => (message ? { ...rest, [pointer]: message } : rest));
  };

  const showErrors = (fieldErrors: FieldErrors) => {
    setErrors(fieldErrors);
    setSummaryFocus((n) => n + 1);
  };

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (inFlight.current) return;
    setValidateAsTyped(true);
    setFailure(undefined);
    const request = toOrderRequest(values, cart.lines);
    const clientErrors = validateOrderRequest(request);
    if (Object.keys(clientErrors).length > 0) return showErrors(clientErrors);
    setErrors({});

    const body = JSON.stringify(request);
    if (attempt.current?.body !== body) attempt.current = { key: randomUuid(), body };
    inFlight.current = true;
    setSubmitting(true);
    try {
      const order = await createOrder(fetchFn, request, attempt.current.key);
      const placedOrder: PlacedOrder = {
        order,
        customerName: request.customer.name,
        email: request.customer.email,
        lines: cart.lines,
      };
      savePlacedOrder(placedOrder);
      placed.current = true;
      navigate(`/order-confirmation/${encodeURIComponent(order.orderNumber)}`, { state: placedOrder });
      cart.clear();
    } catch (error) {
      inFlight.current = false;
      setSubmitting(false);
      if (error instanceof ApiError && error.kind === 'rejected') {
        const fieldErrors = problemFieldErrors(error.problem);
        if (Object.keys(fieldErrors).length > 0) showErrors(fieldErrors);
        else setFailure(`We couldn’t place your order: ${error.message}`);
      } else {
        setFailure(error instanceof ApiError && error.kind === 'invalid-response' ? UNEXPECTED : UNAVAILABLE);
      }
    }
  };

  const input = (
    key: keyof CheckoutValues,
    autoComplete: string,
    extra: { type?: string; maxLength?: number } = {},
  ) => {
    const error = errors[FIELD_POINTERS[key]];
    return (describedBy: string | undefined) => (
      <input
        id={fieldId(key)}
        name={key}
        className="input"
        type={extra.type ?? 'text'}
        autoComplete={autoComplete}
        maxLength={extra.maxLength}
        value={values[key]}
        onChange={update(key)}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
      />
    );
  };
  const error = (key: keyof CheckoutValues) => errors[FIELD_POINTERS[key]];

  return (
    <div className="two-column">
      <section aria-labelledby="checkout-title">
        <h1 id="checkout-title">Checkout</h1>
        <ErrorSummary ref={summaryRef} errors={errors} lines={cart.lines} fieldId={fieldId} />
        <form className="checkout-form panel" noValidate onSubmit={onSubmit}>
          <fieldset>
            <legend>Contact</legend>
            <Field id={fieldId('name')} label="Full name" error={error('name')}>
              {input('name', 'name', { maxLength: 100 })}
            </Field>
            <Field
              id={fieldId('email')}
              label="Email"
              error={error('email')}
              hint={
                <>
                  Order updates go here. Keep <strong>{DEMO_EMAIL}</strong> to follow the mirrord queue-splitting demo.
                </>
              }
            >
              {input('email', 'email', { type: 'email', maxLength: 254 })}
            </Field>
          </fieldset>
          <fieldset>
            <legend>Shipping address</legend>
            <Field id={fieldId('line1')} label="Street address" error={error('line1')}>
              {input('line1', 'address-line1', { maxLength: 200 })}
            </Field>
            <Field id={fieldId('line2')} label="Apartment, suite, etc." optional error={error('line2')}>
              {input('line2', 'address-line2', { maxLength: 200 })}
            </Field>
            <div className="field-row">
              <Field id={fieldId('city')} label="City" error={error('city')}>
                {input('city', 'address-level2', { maxLength: 100 })}
              </Field>
              <Field id={fieldId('postalCode')} label="Postal code" error={error('postalCode')}>
                {input('postalCode', 'postal-code', { maxLength: 20 })}
              </Field>
            </div>
            <Field id={fieldId('country')} label="Country" error={error('country')}>
              {(describedBy) => (
                <select
                  id={fieldId('country')}
                  name="country"
                  className="input select"
                  autoComplete="country"
                  value={values.country}
                  onChange={update('country')}
                  aria-invalid={error('country') ? true : undefined}
                  aria-describedby={describedBy}
                >
                  <option value="">Choose a country…</option>
                  {COUNTRIES.map((country) => (
                    <option key={country.code} value={country.code}>
                      {country.name}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          </fieldset>
          {failure && (
            <div className="notice notice--error" role="alert">
              {failure}
            </div>
          )}
          <div className="checkout-form__actions">
            <button type="submit" className="button button--primary button--large" disabled={submitting}>
              {submitting && <span className="spinner spinner--light" aria-hidden="true" />}
              Place order
            </button>
            <p id="checkout-note" className="checkout-form__note" role="status">
              {submitting ? 'Placing your order…' : 'No payment needed: this is a demo shop.'}
            </p>
          </div>
        </form>
      </section>
      <CheckoutSummary lines={cart.lines} errors={errors} />
    </div>
  );
}
