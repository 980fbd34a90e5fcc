import type { FormEvent } from 'react';
import { Link } from 'react-router';
import { useCart } from '../../../lib/cart/cart-provider.tsx';
import { usePageTitle } from '../../../lib/use-page-title.ts';
import { usePlaceOrder } from '../api/use-place-order.ts';
import { type CheckoutValues, DEMO_EMAIL, FIELD_POINTERS, maxLengthOf } from '../checkout-form.ts';
import { COUNTRIES } from '../countries.ts';
import { useCheckoutForm } from '../use-checkout-form.ts';
import '../checkout.css';
import { CheckoutSummary } from './CheckoutSummary.tsx';
import { ErrorSummary } from './ErrorSummary.tsx';
import { Field } from './Field.tsx';

const fieldId = (key: keyof CheckoutValues) => `checkout-${key}`;

export function CheckoutPage() {
  usePageTitle('Checkout');
  const cart = useCart();
  const form = useCheckoutForm(cart.lines);
  const order = usePlaceOrder({ onFieldErrors: form.showErrors });

  if (cart.lines.length === 0) {
    // Placing the order empties the cart just before the confirmation page shows: nothing in between.
    if (order.placed) return null;
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

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    order.submit(form.validate);
  };

  const input = (key: keyof CheckoutValues, autoComplete: string, extra: { type?: string } = {}) => {
    const error = form.errors[FIELD_POINTERS[key]];
    return (describedBy: string | undefined) => (
      <input
        id={fieldId(key)}
        name={key}
        className="input"
        type={extra.type ?? 'text'}
        autoComplete={autoComplete}
        maxLength={maxLengthOf(key)}
        value={form.values[key]}
        onChange={form.update(key)}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
      />
    );
  };
  const error = (key: keyof CheckoutValues) => form.errors[FIELD_POINTERS[key]];

  return (
    <div className="two-column">
      <section aria-labelledby="checkout-title">
        <h1 id="checkout-title">Checkout</h1>
        <ErrorSummary ref={form.summaryRef} errors={form.errors} lines={cart.lines} fieldId={fieldId} />
        <form className="checkout-form panel" noValidate onSubmit={onSubmit}>
          <fieldset>
            <legend>Contact</legend>
            <Field id={fieldId('name')} label="Full name" error={error('name')}>
              {input('name', 'name')}
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
              {input('email', 'email', { type: 'email' })}
            </Field>
          </fieldset>
          <fieldset>
            <legend>Shipping address</legend>
            <Field id={fieldId('line1')} label="Street address" error={error('line1')}>
              {input('line1', 'address-line1')}
            </Field>
            <Field id={fieldId('line2')} label="Apartment, suite, etc." optional error={error('line2')}>
              {input('line2', 'address-line2')}
            </Field>
            <div className="field-row">
              <Field id={fieldId('city')} label="City" error={error('city')}>
                {input('city', 'address-level2')}
              </Field>
              <Field id={fieldId('postalCode')} label="Postal code" error={error('postalCode')}>
                {input('postalCode', 'postal-code')}
              </Field>
            </div>
            <Field id={fieldId('country')} label="Country" error={error('country')}>
              {(describedBy) => (
                <select
                  id={fieldId('country')}
                  name="country"
                  className="input select"
                  autoComplete="country"
                  value={form.values.country}
                  onChange={form.update('country')}
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
          {order.failure && (
            <div className="notice notice--error" role="alert">
              {order.failure}
            </div>
          )}
          <div className="checkout-form__actions">
            <button type="submit" className="button button--primary button--large" disabled={order.submitting}>
              {order.submitting && <span className="spinner spinner--light" aria-hidden="true" />}
              Place order
            </button>
            <p id="checkout-note" className="checkout-form__note" role="status">
              {order.submitting ? 'Placing your order…' : 'No payment needed: this is a demo shop.'}
            </p>
          </div>
        </form>
      </section>
      <CheckoutSummary lines={cart.lines} errors={form.errors} />
    </div>
  );
}
