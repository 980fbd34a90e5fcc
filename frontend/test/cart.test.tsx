import { MAX_QUANTITY } from '@metalmart/contracts';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { addToCart, cartTotals, setLineQuantity } from '../src/lib/cart/cart.ts';
import { CART_STORAGE_KEY, parseCart } from '../src/lib/cart/cart-storage.ts';
import { ANVIL, fakeApi, json, lineOf, PRODUCTS, renderApp, seedCart, storedCart, WRENCH } from './helpers.tsx';

const catalogApi = () => fakeApi({ 'GET /api/products': () => json(PRODUCTS) });

function card(name: string) {
  return screen.getByRole('article', { name });
}

describe('cart', () => {
  it('adds products from the catalog, counts them in the header and saves them', async () => {
    const user = userEvent.setup();
    renderApp('/', catalogApi());

    await user.click(
      within(await screen.findByRole('article', { name: 'Steel Anvil' })).getByRole('button', { name: 'Add to cart' }),
    );
    await user.click(within(card('Steel Anvil')).getByRole('button', { name: 'Add to cart' }));
    await user.click(within(card('Torque Wrench')).getByRole('button', { name: 'Add to cart' }));

    expect(screen.getByRole('link', { name: 'Cart, 3 items' })).toBeInTheDocument();
    expect(within(card('Steel Anvil')).getByText('2 in your cart')).toBeInTheDocument();
    expect(screen.getByTestId('announcer')).toHaveTextContent('Added Torque Wrench to your cart.');
    expect(storedCart()).toEqual([lineOf(ANVIL, 2), lineOf(WRENCH, 1)]);
  });

  it('shows line totals and the cart total in dollars', () => {
    seedCart([lineOf(ANVIL, 2), lineOf(WRENCH, 1)]);
    renderApp('/cart', catalogApi());

    const lines = screen.getAllByTestId('line-total').map((cell) => cell.textContent);
    expect(lines).toEqual(['$259.98', '$45.50']);
    expect(screen.getByTestId('cart-total')).toHaveTextContent('$305.48');
    expect(screen.getByTestId('cart-item-count')).toHaveTextContent('3');
  });

  it('changes quantities with the buttons and by typing, and the totals follow', async () => {
    const user = userEvent.setup();
    seedCart([lineOf(ANVIL, 2), lineOf(WRENCH, 1)]);
    renderApp('/cart', catalogApi());

    await user.click(screen.getByRole('button', { name: 'Increase quantity of Torque Wrench' }));
    expect(screen.getByTestId('cart-total')).toHaveTextContent('$350.98');

    const anvilQuantity = screen.getByRole('spinbutton', { name: 'Quantity of Steel Anvil' });
    await user.tripleClick(anvilQuantity);
    await user.keyboard('5');
    expect(anvilQuantity).toHaveValue(5);
    expect(screen.getByTestId('cart-total')).toHaveTextContent('$740.95');

    await user.click(screen.getByRole('button', { name: 'Decrease quantity of Steel Anvil' }));
    expect(screen.getByTestId('cart-total')).toHaveTextContent('$610.96');
    expect(storedCart()).toEqual([lineOf(ANVIL, 4), lineOf(WRENCH, 2)]);
    expect(screen.getByRole('link', { name: 'Cart, 6 items' })).toBeInTheDocument();
  });

  it('ignores a cleared or out-of-range quantity until it is valid, then restores it on blur', async () => {
    const user = userEvent.setup();
    seedCart([lineOf(ANVIL, 3)]);
    renderApp('/cart', catalogApi());

    const quantity = screen.getByRole('spinbutton', { name: 'Quantity of Steel Anvil' });
    await user.clear(quantity);
    expect(screen.getByTestId('cart-total')).toHaveTextContent('$389.97');
    await user.type(quantity, '0');
    await user.tab();
    expect(quantity).toHaveValue(3);
    expect(storedCart()).toEqual([lineOf(ANVIL, 3)]);
  });

  it('removes lines and says so when the cart is empty', async () => {
    const user = userEvent.setup();
    seedCart([lineOf(ANVIL, 2), lineOf(WRENCH, 1)]);
    renderApp('/cart', catalogApi());

    await user.click(screen.getByRole('button', { name: 'Remove Steel Anvil' }));
    expect(screen.queryByText('Steel Anvil')).not.toBeInTheDocument();
    expect(screen.getByTestId('cart-total')).toHaveTextContent('$45.50');
    expect(storedCart()).toEqual([lineOf(WRENCH, 1)]);

    await user.click(screen.getByRole('button', { name: 'Remove Torque Wrench' }));
    expect(screen.getByRole('heading', { name: 'Your cart is empty' })).toBeInTheDocument();
    expect(localStorage.getItem(CART_STORAGE_KEY)).toBeNull();
  });

  it('survives a reload', async () => {
    const user = userEvent.setup();
    const first = renderApp('/', catalogApi());
    await user.click(
      within(await screen.findByRole('article', { name: 'Torque Wrench' })).getByRole('button', {
        name: 'Add to cart',
      }),
    );
    first.unmount();

    renderApp('/cart', catalogApi());
    expect(screen.getByRole('link', { name: 'Torque Wrench' })).toBeInTheDocument();
    expect(screen.getByTestId('cart-total')).toHaveTextContent('$45.50');
  });

  it('checks out from the cart', async () => {
    const user = userEvent.setup();
    seedCart([lineOf(ANVIL, 1)]);
    renderApp('/cart', catalogApi());
    await user.click(screen.getByRole('link', { name: 'Checkout' }));
    expect(screen.getByRole('heading', { level: 1, name: 'Checkout' })).toBeInTheDocument();
  });
});

describe('cart rules', () => {
  it('merges a product added twice and caps quantities at the API maximum', () => {
    const once = addToCart([], ANVIL, 60);
    const twice = addToCart(once, ANVIL, 60);
    expect(twice).toEqual([lineOf(ANVIL, MAX_QUANTITY)]);
    expect(setLineQuantity(twice, ANVIL.id, 0)).toEqual([lineOf(ANVIL, 1)]);
  });

  it('totals each currency on its own', () => {
    const euroVice = { ...WRENCH, id: 'bench-vice', currency: 'EUR', priceCents: 1_000 };
    const lines = [lineOf(ANVIL, 1), lineOf(euroVice, 3), lineOf(WRENCH, 2)];
    expect(cartTotals(lines)).toEqual([
      { currency: 'USD', cents: 12_999 + 2 * 4_550 },
      { currency: 'EUR', cents: 3_000 },
    ]);
  });

  it('drops a stored cart it cannot read instead of trusting it', () => {
    expect(parseCart('not json')).toEqual([]);
    expect(parseCart(JSON.stringify([{ productId: 'steel-anvil', quantity: 'lots' }]))).toEqual([]);
    expect(parseCart(JSON.stringify([lineOf(ANVIL, 2)]))).toEqual([lineOf(ANVIL, 2)]);
  });
});
