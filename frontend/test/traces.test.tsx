import { act, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { JaegerTrace } from '../src/features/traces/api/get-trace.ts';
import { buildWaterfall } from '../src/features/traces/waterfall.ts';
import { fakeApi, json, problem, renderApp, tracking } from './helpers.tsx';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const TRACE_URL = `/jaeger/api/traces/${TRACE_ID}`;
const T0 = 1_767_607_200_000_000; // µs

/** Checkout in the Order Service, its outbox publish, and the processor's consume linked back to the publish. */
const TRACE: JaegerTrace = {
  traceID: TRACE_ID,
  processes: { p1: { serviceName: 'order-service' }, p2: { serviceName: 'order-processor' } },
  spans: [
    // Listed out of order on purpose: Jaeger does not sort them.
    {
      spanID: 'c3',
      operationName: 'order.created process',
      startTime: T0 + 40_000,
      duration: 20_000,
      references: [{ refType: 'FOLLOWS_FROM', spanID: 'b2' }],
      processID: 'p2',
      tags: [],
    },
    {
      spanID: 'a2',
      operationName: 'INSERT orders',
      startTime: T0 + 2_000,
      duration: 3_000,
      references: [{ refType: 'CHILD_OF', spanID: 'a1' }],
      processID: 'p1',
      tags: [],
    },
    {
      spanID: 'a1',
      operationName: 'POST /api/orders',
      startTime: T0,
      duration: 10_000,
      references: [],
      processID: 'p1',
      tags: [],
    },
    {
      spanID: 'b2',
      operationName: 'order.created publish',
      startTime: T0 + 20_000,
      duration: 1_500,
      references: [{ refType: 'CHILD_OF', spanID: 'b1' }],
      processID: 'p1',
      tags: [],
    },
    {
      spanID: 'b1',
      operationName: 'outbox relay',
      startTime: T0 + 19_000,
      duration: 4_000,
      references: [{ refType: 'CHILD_OF', spanID: 'a1' }],
      processID: 'p1',
      tags: [{ key: 'error', value: true }],
    },
  ],
};

async function advance(ms: number) {
  await act(async () => {
    await vi.advanceTimersByTimeAsync(ms);
  });
}

describe('trace waterfall', () => {
  it('orders spans parent first, siblings by start time, with their depth and links', () => {
    const { rows, durationUs, missingParents } = buildWaterfall(TRACE);
    expect(rows.map((row) => [row.span.spanID, row.depth])).toEqual([
      ['a1', 0],
      ['a2', 1],
      ['b1', 1],
      ['b2', 2],
      ['c3', 0],
    ]);
    expect(durationUs).toBe(60_000);
    expect(missingParents).toBe(0);
    expect(rows[4]?.linkedTo).toEqual(['order.created publish']);
    expect(rows[4]?.offset).toBeCloseTo(40 / 60);
    expect(rows[4]?.service).toBe('order-processor');
    expect(rows[2]?.error).toBe(true);
  });
});

describe('trace page', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('draws one row per span in depth order and shows span links', async () => {
    renderApp(`/traces/${TRACE_ID}`, fakeApi({ [`GET ${TRACE_URL}`]: () => json({ data: [TRACE] }) }));
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent('Trace 4bf92f35…');
    const table = await screen.findByTestId('waterfall');
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows.map((row) => row.getAttribute('data-span'))).toEqual(['a1', 'a2', 'b1', 'b2', 'c3']);
    expect(rows.map((row) => row.getAttribute('data-depth'))).toEqual(['0', '1', '1', '2', '0']);
    expect(rows[0]).toHaveTextContent('order-servicePOST /api/orders');
    expect(rows[0]).toHaveTextContent('10.0 ms');
    expect(rows[4]).toHaveTextContent('order-processororder.created process');
    expect(within(rows[4] as HTMLElement).getByText('linked to order.created publish')).toBeVisible();
  });

  it('keeps polling every 2 s while spans arrive, then stops', async () => {
    vi.useFakeTimers();
    const early = { ...TRACE, spans: TRACE.spans.filter((span) => span.processID === 'p1' && span.spanID !== 'b1') };
    let call = 0;
    const fetch = fakeApi({
      [`GET ${TRACE_URL}`]: () => {
        call += 1;
        // Not there yet, then partial (b2's parent missing), then complete.
        if (call === 1) return json({ data: null, errors: [{ code: 404, msg: 'trace not found' }] }, 404);
        return json({ data: [call === 2 ? early : TRACE] });
      },
    });
    renderApp(`/traces/${TRACE_ID}`, fetch);
    await advance(0);
    expect(screen.getByText(/Waiting for the trace/)).toBeInTheDocument();
    await advance(2_000);
    expect(within(screen.getByTestId('waterfall')).getAllByRole('row')).toHaveLength(1 + 3);
    await advance(2_000);
    expect(within(screen.getByTestId('waterfall')).getAllByRole('row')).toHaveLength(1 + 5);
    await advance(2_000);
    expect(fetch).toHaveBeenCalledTimes(4);
    await advance(20_000);
    expect(fetch).toHaveBeenCalledTimes(4);
    expect(screen.getByText('5 spans')).toBeInTheDocument();
  });

  it('says there is no trace viewer when /jaeger is not proxied', async () => {
    renderApp(`/traces/${TRACE_ID}`, fakeApi({}));
    expect(await screen.findByTestId('no-trace-viewer')).toHaveTextContent(
      'No trace viewer: start with npm start -- --traces',
    );
  });

  it('says there is no trace viewer when it is unreachable', async () => {
    renderApp(`/traces/${TRACE_ID}`, fakeApi({ [`GET ${TRACE_URL}`]: () => problem(502, 'Bad Gateway') }));
    expect(await screen.findByTestId('no-trace-viewer')).toBeInTheDocument();
  });
});

describe('tracking page trace id', () => {
  const TOKEN = 'trk_9f8e7d6c5b4a';
  const withTrace = () => json({ ...tracking('shipped'), traceId: TRACE_ID });

  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('shows the Trace ID, and no link without a trace viewer', async () => {
    vi.stubEnv('VITE_TRACE_VIEWER_URL', '');
    renderApp(`/track/${TOKEN}`, fakeApi({ [`GET /api/orders/track/${TOKEN}`]: withTrace }));
    const code = await screen.findByTestId('trace-id');
    expect(code).toHaveTextContent(TRACE_ID);
    expect(code.tagName).toBe('CODE');
    expect(screen.getByText('Trace ID', { selector: 'dt' })).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: 'Open trace' })).not.toBeInTheDocument();
  });

  it('links to the trace view when a trace viewer is configured', async () => {
    vi.stubEnv('VITE_TRACE_VIEWER_URL', 'http://127.0.0.1:16686');
    renderApp(`/track/${TOKEN}`, fakeApi({ [`GET /api/orders/track/${TOKEN}`]: withTrace }));
    expect(await screen.findByRole('link', { name: 'Open trace' })).toHaveAttribute('href', `/traces/${TRACE_ID}`);
  });
});
