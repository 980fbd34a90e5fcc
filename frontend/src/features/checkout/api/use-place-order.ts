import type { CreateOrderRequest } from '@metalmart/contracts';
import { useMutation } from '@tanstack/react-query';
import { useRef } from 'react';
import { useNavigate } from 'react-router';
import { useFetch } from '../../../lib/api-context.tsx';
import { useCart } from '../../../lib/cart/cart-provider.tsx';
import { ApiError } from '../../../lib/http.ts';
import { randomUuid } from '../../../lib/uuid.ts';
import { type FieldErrors, problemFieldErrors } from '../checkout-form.ts';
import { type PlacedOrder, savePlacedOrder } from '../placed-order.ts';
import { createOrder } from './create-order.ts';

const UNAVAILABLE =
  'We couldn’t reach MetalMart, so your order may not have gone through. Placing it again is safe: it will not create a second order.';
const UNEXPECTED =
  'The shop answered in a way this page doesn’t understand. Your order may have been placed; try again in a moment — it will not create a second order.';

/** The API's complaints about fields, when that is what turned the order down. */
function fieldErrorsOf(error: unknown): FieldErrors {
  return error instanceof ApiError && error.kind === 'rejected' ? problemFieldErrors(error.problem) : {};
}

/** The alert for an order that failed; none when the fields show what is wrong. */
function failureOf(error: Error | null): string | undefined {
  if (!error) return undefined;
  if (error instanceof ApiError && error.kind === 'rejected') {
    return Object.keys(fieldErrorsOf(error)).length > 0 ? undefined : `We couldn’t place your order: ${error.message}`;
  }
  return error instanceof ApiError && error.kind === 'invalid-response' ? UNEXPECTED : UNAVAILABLE;
}

/**
 * Sends the order; once the Order Service has it, keeps it for the confirmation page, goes there and empties the
 * cart. `onFieldErrors` gets the API's complaints about fields, for the form to show.
 */
export function usePlaceOrder({ onFieldErrors }: { onFieldErrors: (errors: FieldErrors) => void }) {
  const fetchFn = useFetch();
  const cart = useCart();
  const navigate = useNavigate();
  // Refs, not the mutation's state, which reaches the page a moment later: a second submit in the same tick must
  // see the first one, and the page must know the order is placed when the emptied cart re-renders it.
  const inFlight = useRef(false);
  const placed = useRef(false);
  // One Idempotency-Key per attempt: kept while the order is unchanged (a retry, a double click), new otherwise.
  const attempt = useRef<{ key: string; body: string } | undefined>(undefined);

  const mutation = useMutation({
    mutationFn: (request: CreateOrderRequest) => {
      const body = JSON.stringify(request);
      if (attempt.current?.body !== body) attempt.current = { key: randomUuid(), body };
      return createOrder(fetchFn, request, attempt.current.key);
    },
  });

  /** Checks the form (`validate` gives the request, or nothing after showing what is wrong), then sends it. */
  const submit = (validate: () => CreateOrderRequest | undefined) => {
    if (inFlight.current) return;
    mutation.reset();
    const request = validate();
    if (!request) return;
    inFlight.current = true;
    const { lines } = cart;
    mutation.mutate(request, {
      onSuccess: (order) => {
        const placedOrder: PlacedOrder = {
          order,
          customerName: request.customer.name,
          email: request.customer.email,
          lines,
        };
        savePlacedOrder(placedOrder);
        placed.current = true;
        navigate(`/order-confirmation/${encodeURIComponent(order.orderNumber)}`, { state: placedOrder });
        cart.clear();
      },
      onError: (error) => {
        inFlight.current = false;
        const fieldErrors = fieldErrorsOf(error);
        if (Object.keys(fieldErrors).length > 0) onFieldErrors(fieldErrors);
      },
    });
  };

  return { submit, submitting: mutation.isPending, failure: failureOf(mutation.error), placed: placed.current };
}
