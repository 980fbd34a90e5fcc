import { CreateOrderRequestSchema, type CreateOrderResponse } from '@metalmart/contracts';
import { act, fireEvent, screen, within } from '@testing-library/react';
import userEvent, { type UserEvent } from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { savePlacedOrder } from '../src/features/checkout/placed-order.ts';
import { CART_STORAGE_KEY } from '../src/lib/cart/cart-storage.ts';
import { ANVIL, fakeApi, json, lineOf, problem, renderApp, seedCart, WRENCH } from './helpers.tsx';

const ORDER: CreateOrderResponse = {
  id: '0b4d9c1e-3f7a-4a8e-9c3d-2e1f0a9b8c7d',
  orderNumber: 'MM-1001',
  trackingToken: 'trk_9f8e7d6c5b4a',
  status: 'pending',
  totalCents: 2 * ANVIL.priceCents + WRENCH.priceCents,
  currency: 'USD',
  createdAt: '2026-01-05T10:00:00.000Z',
};
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function posts(fetch: ReturnType<typeof fakeApi>) {
  return fetch.mock.calls.filter(([, init]) => init?.method === 'POST');
}

function keyOf(call: Parameters<typeof fetch> | undefined): string | undefined {
  return (call?.[1]?.headers as Record<string, string> | undefined)?.['Idempotency-Key'];
}

async function fillValidForm(user: UserEvent) {
  await user.type(screen.getByLabelText('Full name'), 'Ada Lovelace');
  await user.type(screen.getByLabelText('Street address'), '1 Analytical Way');
  await user.type(screen.getByLabelText('City'), 'Berlin');
  await user.type(screen.getByLabelText('Postal code'), '10115');
  await user.selectOptions(screen.getByLabelText('Country'), 'DE');
}

function placeOrder() {
  return screen.getByRole('button', { name: 'Place order' });
}

describe('checkout form', () => {
  it('pre-fills the demo email and shows client errors next to their fields without calling the API', async () => {
    const user = userEvent.setup();
    seedCart([lineOf(ANVIL, 1)]);
    const fetch = fakeApi({});
    renderApp('/checkout', fetch);

    const email = screen.getByLabelText('Email');
    expect(email).toHaveValue('demo@metalbear.com');
    await user.clear(email);
    await user.type(email, 'not-an-email');
    await user.type(screen.getByLabelText('Postal code'), '-123');
    await user.click(placeOrder());

    expect(screen.getByLabelText('Full name')).toHaveAccessibleDescription('Enter your full name.');
    expect(screen.getByLabelText('Full name')).toHaveAttribute('aria-invalid', 'true');
    expect(email).toHaveAccessibleDescription(/Enter an email address like name@example.com./);
    expect(screen.getByLabelText('Street address')).toHaveAccessibleDescription('Enter the street address.');
    expect(screen.getByLabelText('Postal code')).toHaveAccessibleDescription(/Use only letters, digits/);
    expect(screen.getByLabelText('Country')).toHaveAccessibleDescription('Choose a country.');
    expect(screen.getByLabelText(/Apartment/)).not.toHaveAttribute('aria-invalid');
    expect(screen.getByRole('region', { name: 'Please check your details' })).toHaveFocus();
    expect(fetch).not.toHaveBeenCalled();
  });

  it('limits each field to the length the API’s schema allows', () => {
    seedCart([lineOf(ANVIL, 1)]);
    renderApp('/checkout', fakeApi({}));
    const customer = CreateOrderRequestSchema.properties.customer.properties;
    const address = CreateOrderRequestSchema.properties.shippingAddress.properties;
    const limits: [string, object][] = [
      ['Full name', customer.name],
      ['Email', customer.email],
      ['Street address', address.line1],
      ['Postal code', address.postalCode],
    ];
    for (const [label, schema] of limits) {
      const maxLength = (schema as { maxLength?: number }).maxLength;
      expect(maxLength, label).toBeGreaterThan(0);
      expect(screen.getByLabelText(label)).toHaveAttribute('maxlength', String(maxLength));
    }
  });

  it('clears a field’s error as soon as it is fixed', async () => {
    const user = userEvent.setup();
    seedCart([lineOf(ANVIL, 1)]);
    renderApp('/checkout', fakeApi({}));

    await user.click(placeOrder());
    const name = screen.getByLabelText('Full name');
    expect(name).toHaveAccessibleDescription('Enter your full name.');
    await user.type(name, 'Ada');
    expect(name).not.toHaveAttribute('aria-invalid');
    expect(name).toHaveAccessibleDescription('');
    expect(screen.getByLabelText('City')).toHaveAccessibleDescription('Enter the town or city.');
  });

  it('shows the API’s problem details next to the right field and the right cart line', async () => {
    const user = userEvent.setup();
    seedCart([lineOf(ANVIL, 2), lineOf(WRENCH, 1)]);
    const fetch = fakeApi({
      'POST /api/orders': () =>
        problem(422, 'Invalid order', [
          { field: '/shippingAddress/postalCode', message: 'No such postal code in Germany.' },
          { field: '/items/1/productId', message: 'This product is no longer sold.' },
        ]),
    });
    renderApp('/checkout', fetch);

    await fillValidForm(user);
    await user.click(placeOrder());

    expect(await screen.findByRole('region', { name: 'Please check your details' })).toHaveFocus();
    expect(screen.getByLabelText('Postal code')).toHaveAccessibleDescription('No such postal code in Germany.');
    expect(screen.getByLabelText('Full name')).not.toHaveAttribute('aria-invalid');
    const summary = screen.getByRole('complementary', { name: 'Your order' });
    expect(within(summary).getByText('This product is no longer sold.').closest('li')).toHaveTextContent(
      'Torque Wrench',
    );
    expect(placeOrder()).toBeEnabled();
  });

  it('sends one order with an Idempotency-Key on a double click, then shows the confirmation', async () => {
    const user = userEvent.setup();
    seedCart([lineOf(ANVIL, 2), lineOf(WRENCH, 1)]);
    let answer: (response: Response) => void = () => {};
    const fetch = fakeApi({
      'POST /api/orders': () =>
        new Promise<Response>((resolve) => {
          answer = resolve;
        }),
    });
    renderApp('/checkout', fetch);
    await fillValidForm(user);

    await user.dblClick(placeOrder());
    // A second submit that gets past the disabled button (Enter in a field, a fast script) is ignored too.
    fireEvent.submit(placeOrder().closest('form') as HTMLFormElement);

    expect(posts(fetch)).toHaveLength(1);
    expect(placeOrder()).toBeDisabled();
    const [url, init] = posts(fetch)[0] ?? [];
    expect(url).toBe('/api/orders');
    expect(keyOf(posts(fetch)[0])).toMatch(UUID);
    expect(JSON.parse(String(init?.body))).toEqual({
      customer: { name: 'Ada Lovelace', email: 'demo@metalbear.com' },
      shippingAddress: { line1: '1 Analytical Way', city: 'Berlin', postalCode: '10115', country: 'DE' },
      items: [
        { productId: 'steel-anvil', quantity: 2 },
        { productId: 'torque-wrench', quantity: 1 },
      ],
    });

    await act(async () => answer(json(ORDER, 201)));

    expect(await screen.findByTestId('order-number')).toHaveTextContent('MM-1001');
    expect(screen.getByTestId('order-total')).toHaveTextContent('$305.48');
    expect(screen.getByRole('link', { name: 'Track your order' })).toHaveAttribute('href', '/track/trk_9f8e7d6c5b4a');
    expect(localStorage.getItem(CART_STORAGE_KEY)).toBeNull();
    expect(screen.getByRole('link', { name: 'Cart, 0 items' })).toBeInTheDocument();
  });

  it('reuses the key when retrying after a lost answer, and uses a new one for a changed order', async () => {
    const user = userEvent.setup();
    seedCart([lineOf(ANVIL, 1)]);
    const fetch = fakeApi({
      'POST /api/orders': () => Promise.reject(new TypeError('Failed to fetch')),
    });
    renderApp('/checkout', fetch);
    await fillValidForm(user);

    await user.click(placeOrder());
    expect(await screen.findByRole('alert')).toHaveTextContent(/couldn’t reach MetalMart/);
    await user.click(placeOrder());
    await screen.findByRole('alert');
    await user.type(screen.getByLabelText('Full name'), ' King');
    await user.click(placeOrder());
    await screen.findByRole('alert');

    const keys = posts(fetch).map(keyOf);
    expect(keys).toHaveLength(3);
    expect(keys[1]).toBe(keys[0]);
    expect(keys[2]).not.toBe(keys[0]);
    expect(keys[2]).toMatch(UUID);
  });

  it('says plainly when the API turns the order down without pointing at a field', async () => {
    const user = userEvent.setup();
    seedCart([lineOf(ANVIL, 1)]);
    renderApp('/checkout', fakeApi({ 'POST /api/orders': () => problem(409, 'Idempotency-Key reused') }));
    await fillValidForm(user);
    await user.click(placeOrder());
    expect(await screen.findByRole('alert')).toHaveTextContent('We couldn’t place your order: Idempotency-Key reused');
  });
});

describe('confirmation page', () => {
  it('renders from the session after a reload', () => {
    savePlacedOrder({ order: ORDER, customerName: 'Ada Lovelace', email: 'demo@metalbear.com', lines: [] });
    renderApp('/order-confirmation/MM-1001', fakeApi({}));
    expect(screen.getByTestId('order-number')).toHaveTextContent('MM-1001');
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent('Thank you, Ada Lovelace!');
  });

  it('explains when it has nothing to show', () => {
    renderApp('/order-confirmation/MM-404', fakeApi({}));
    expect(screen.getByText(/can’t show this order’s details/)).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: 'Track your order' })).not.toBeInTheDocument();
  });
});
