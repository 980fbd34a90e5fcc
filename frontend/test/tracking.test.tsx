import { ORDER_STATUSES, type OrderStatus } from '@metalmart/contracts';
import { act, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { StatusBar } from '../src/features/tracking/components/StatusBar.tsx';
import type { FetchFn } from '../src/lib/http.ts';
import { json, problem, renderApp, tracking } from './helpers.tsx';

const TOKEN = 'trk_9f8e7d6c5b4a';
const TRACK_URL = `/api/orders/track/${TOKEN}`;

/** Lets pending promises settle and moves the fake clock on by `ms`. */
async function advance(ms: number) {
  await act(async () => {
    await vi.advanceTimersByTimeAsync(ms);
  });
}

/** A fake `fetch` that plays `answers` in order, repeating the last one. */
function scriptedFetch(answers: Array<() => Response | Promise<Response>>) {
  let call = 0;
  return vi.fn<FetchFn>(async () => {
    const answer = answers[Math.min(call++, answers.length - 1)];
    if (!answer) throw new Error('no scripted answer');
    return answer();
  });
}

const at = (status: OrderStatus) => () => json(tracking(status));

function bar() {
  return screen.getByRole('list', { name: 'Order progress' });
}

function stageStates() {
  return within(bar())
    .getAllByRole('listitem')
    .map((stage) => stage.getAttribute('data-state'));
}

describe('status bar', () => {
  it.each([
    ['pending', ['current', 'upcoming', 'upcoming', 'upcoming']],
    ['processing', ['done', 'current', 'upcoming', 'upcoming']],
    ['confirmed', ['done', 'done', 'current', 'upcoming']],
    ['shipped', ['done', 'done', 'done', 'current']],
  ] as const)('fills the stages up to %s', (status, expected) => {
    render(<StatusBar status={status} />);
    expect(bar()).toHaveAttribute('data-status', status);
    expect(stageStates()).toEqual(expected);
    const current = within(bar())
      .getAllByRole('listitem')
      .filter((stage) => stage.getAttribute('aria-current') === 'step');
    expect(current).toHaveLength(1);
    expect(current[0]).toHaveAttribute('data-stage', status);
    expect(current[0]).toHaveTextContent(/current step/);
  });

  it('lists the four stages in order', () => {
    render(<StatusBar status="pending" />);
    const stages = within(bar())
      .getAllByRole('listitem')
      .map((stage) => stage.getAttribute('data-stage'));
    expect(stages).toEqual([...ORDER_STATUSES]);
  });
});

describe('tracking page', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('shows the waiting-in-the-queue state while pending, then fills up live every 2 s and stops at shipped', async () => {
    const fetch = scriptedFetch([at('pending'), at('pending'), at('processing'), at('confirmed'), at('shipped')]);
    renderApp(`/track/${TOKEN}`, fetch);
    await advance(0);

    expect(fetch).toHaveBeenCalledTimes(1);
    expect(fetch.mock.calls[0]?.[0]).toBe(TRACK_URL);
    expect(screen.getByTestId('order-number')).toHaveTextContent('MM-1001');
    expect(bar()).toHaveAttribute('data-status', 'pending');
    expect(screen.getByTestId('waiting-in-queue')).toHaveTextContent('Waiting in the queue');
    expect(screen.getByTestId('status-announcement')).toHaveTextContent('Order MM-1001: Pending.');

    await advance(1_999);
    expect(fetch).toHaveBeenCalledTimes(1);
    await advance(1);
    expect(fetch).toHaveBeenCalledTimes(2);
    expect(screen.getByTestId('waiting-in-queue')).toBeInTheDocument();

    await advance(2_000);
    expect(bar()).toHaveAttribute('data-status', 'processing');
    expect(screen.queryByTestId('waiting-in-queue')).not.toBeInTheDocument();
    expect(screen.getByTestId('status-announcement')).toHaveTextContent('Order MM-1001: Processing.');
    expect(screen.getAllByTestId('processor-instance')[0]).toHaveTextContent('order-processor-7f9c');

    await advance(2_000);
    expect(bar()).toHaveAttribute('data-status', 'confirmed');
    await advance(2_000);
    expect(bar()).toHaveAttribute('data-status', 'shipped');
    expect(stageStates()).toEqual(['done', 'done', 'done', 'current']);
    expect(screen.getByText(/Shipped, so updates have stopped/)).toBeInTheDocument();
    expect(fetch).toHaveBeenCalledTimes(5);

    await advance(20_000);
    expect(fetch).toHaveBeenCalledTimes(5);
  });

  it('shows the history with the processor instance, partition and offset of each step', async () => {
    renderApp(`/track/${TOKEN}`, scriptedFetch([at('confirmed')]));
    await advance(0);

    const history = screen.getByRole('list', { name: 'Status history' });
    const entries = within(history).getAllByRole('listitem');
    expect(entries.map((entry) => entry.getAttribute('data-status'))).toEqual(['pending', 'processing', 'confirmed']);
    expect(entries[0]).toHaveTextContent('Received by the Order Service');
    expect(entries[1]).toHaveTextContent(/Processororder-processor-7f9c.*Partition1.*Offset42/);
    expect(within(entries[2] as HTMLElement).getByRole('time')).toHaveAttribute('datetime', '2026-01-05T10:00:02.000Z');
  });

  it('says the API is unreachable, keeps the last status and carries on polling until it is back', async () => {
    const down = () => Promise.reject(new TypeError('Failed to fetch'));
    const fetch = scriptedFetch([at('pending'), down, () => problem(502, 'Bad Gateway'), at('processing')]);
    renderApp(`/track/${TOKEN}`, fetch);
    await advance(0);
    expect(screen.queryByTestId('tracking-unavailable')).not.toBeInTheDocument();

    await advance(2_000);
    expect(screen.getByRole('alert')).toHaveTextContent('We can’t reach MetalMart right now.');
    expect(bar()).toHaveAttribute('data-status', 'pending');

    await advance(2_000);
    expect(screen.getByTestId('tracking-unavailable')).toBeInTheDocument();

    await advance(2_000);
    expect(fetch).toHaveBeenCalledTimes(4);
    expect(screen.queryByTestId('tracking-unavailable')).not.toBeInTheDocument();
    expect(bar()).toHaveAttribute('data-status', 'processing');
  });

  it('tells the visitor when the API is down before the first answer, then shows the order once it is up', async () => {
    const fetch = scriptedFetch([() => Promise.reject(new TypeError('Failed to fetch')), at('pending')]);
    renderApp(`/track/${TOKEN}`, fetch);
    await advance(0);
    expect(screen.getByRole('alert')).toHaveTextContent('We can’t reach MetalMart right now.');
    expect(screen.queryByRole('list', { name: 'Order progress' })).not.toBeInTheDocument();

    await advance(2_000);
    expect(bar()).toHaveAttribute('data-status', 'pending');
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('sends one request at a time: a hanging one holds the next back until it times out', async () => {
    let call = 0;
    const fetch = vi.fn<FetchFn>((_url, init) => {
      call += 1;
      if (call === 1) return Promise.resolve(json(tracking('pending')));
      // A stalled port-forward: no answer until the request is given up.
      return new Promise<Response>((_resolve, reject) => {
        init?.signal?.addEventListener('abort', () => reject(new DOMException('Aborted', 'AbortError')));
      });
    });
    renderApp(`/track/${TOKEN}`, fetch);
    await advance(2_000);
    expect(fetch).toHaveBeenCalledTimes(2);

    await advance(7_999);
    expect(fetch).toHaveBeenCalledTimes(2);
    expect(screen.queryByTestId('tracking-unavailable')).not.toBeInTheDocument();
    await advance(1);
    expect(screen.getByTestId('tracking-unavailable')).toBeInTheDocument();
    await advance(1_999);
    expect(fetch).toHaveBeenCalledTimes(2);
    await advance(1);
    expect(fetch).toHaveBeenCalledTimes(3);
  });

  it('keeps saying the API is unreachable while the next request is on its way', async () => {
    const down = () => Promise.reject(new TypeError('Failed to fetch'));
    const fetch = scriptedFetch([down, () => new Promise<Response>(() => {})]);
    renderApp(`/track/${TOKEN}`, fetch);
    await advance(0);
    expect(screen.getByRole('alert')).toHaveTextContent('We can’t reach MetalMart right now.');

    await advance(2_000);
    expect(fetch).toHaveBeenCalledTimes(2);
    expect(screen.getByRole('alert')).toHaveTextContent('We can’t reach MetalMart right now.');
  });

  it('says plainly that an unknown tracking token matches no order, and stops asking', async () => {
    const fetch = scriptedFetch([() => problem(404, 'Order not found')]);
    renderApp(`/track/${TOKEN}`, fetch);
    await advance(0);

    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent('We can’t find that order');
    expect(screen.getByRole('alert')).toHaveTextContent('No order matches this tracking link.');
    await advance(10_000);
    expect(fetch).toHaveBeenCalledTimes(1);
  });
});
