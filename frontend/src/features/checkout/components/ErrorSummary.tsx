import type { Ref } from 'react';
import { Link } from 'react-router';
import type { CartLine } from '../../../lib/cart/cart.ts';
import { type CheckoutValues, FIELD_POINTERS, type FieldErrors } from '../checkout-form.ts';

interface ErrorSummaryProps {
  ref: Ref<HTMLElement>;
  errors: FieldErrors;
  lines: readonly CartLine[];
  fieldId: (key: keyof CheckoutValues) => string;
}

const FIELD_BY_POINTER = new Map(
  Object.entries(FIELD_POINTERS).map(([key, pointer]) => [pointer, key as keyof CheckoutValues]),
);

/** Every problem in one place, focused after a failed submit; form fields link to their input. */
export function ErrorSummary({ ref, errors, lines, fieldId }: ErrorSummaryProps) {
  const entries = Object.entries(errors);
  if (entries.length === 0) return null;
  return (
    <section
      className="notice notice--error error-summary"
      ref={ref}
      tabIndex={-1}
      aria-labelledby="error-summary-title"
    >
      <h2 id="error-summary-title">Please check your details</h2>
      <ul>
        {entries.map(([pointer, message]) => {
          const field = FIELD_BY_POINTER.get(pointer);
          if (field) {
            return (
              <li key={pointer}>
                <a href={`#${fieldId(field)}`}>{message}</a>
              </li>
            );
          }
          const item = /^\/items\/(\d+)/.exec(pointer);
          const line = item ? lines[Number(item[1])] : undefined;
          return (
            <li key={pointer}>
              {line ? `${line.name}: ` : ''}
              {message} {pointer.startsWith('/items') && <Link to="/cart">Edit your cart</Link>}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
