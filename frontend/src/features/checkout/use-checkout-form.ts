import type { CreateOrderRequest } from '@metalmart/contracts';
import { type ChangeEvent, useCallback, useEffect, useRef, useState } from 'react';
import type { CartLine } from '../../lib/cart/cart.ts';
import {
  type CheckoutValues,
  FIELD_POINTERS,
  type FieldErrors,
  INITIAL_VALUES,
  toOrderRequest,
  validateOrderRequest,
} from './checkout-form.ts';

/**
 * The form's values and errors. Nothing is checked until the first submit; from then on each field is checked
 * as it changes, so an error goes away as soon as it is fixed.
 */
export function useCheckoutForm(lines: readonly CartLine[]) {
  const [values, setValues] = useState<CheckoutValues>(INITIAL_VALUES);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [validateAsTyped, setValidateAsTyped] = useState(false);
  const [summaryFocus, setSummaryFocus] = useState(0);
  const summaryRef = useRef<HTMLElement>(null);

  useEffect(() => {
    if (summaryFocus > 0) summaryRef.current?.focus();
  }, [summaryFocus]);

  const update = (key: keyof CheckoutValues) => (event: ChangeEvent<HTMLInputElement | HTMLSelectElement>) => {
    const next = { ...values, [key]: event.target.value };
    setValues(next);
    if (!validateAsTyped) return;
    const pointer = FIELD_POINTERS[key];
    const message = validateOrderRequest(toOrderRequest(next, lines))[pointer];
    setErrors(({ [pointer]: _previous, ...rest }) => (message ? { ...rest, [pointer]: message } : rest));
  };

  /** Shows `fieldErrors` (the form's own, or the API's) and moves focus to the summary of them. */
  const showErrors = useCallback((fieldErrors: FieldErrors) => {
    setErrors(fieldErrors);
    setSummaryFocus((n) => n + 1);
  }, []);

  /** The order request, or undefined after showing what is wrong with the form. */
  const validate = (): CreateOrderRequest | undefined => {
    setValidateAsTyped(true);
    const request = toOrderRequest(values, lines);
    const clientErrors = validateOrderRequest(request);
    if (Object.keys(clientErrors).length > 0) {
      showErrors(clientErrors);
      return undefined;
    }
    setErrors({});
    return request;
  };

  return { values, errors, update, showErrors, validate, summaryRef };
}
