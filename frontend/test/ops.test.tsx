import type { OpsCluster, OpsDeadLetter, OpsSnapshot } from '@metalmart/contracts';
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { Processors } from '../src/features/ops/api/stack-api.ts';
import { fakeApi, json, renderApp } from './helpers.tsx';

const HEALTHY_CLUSTER: OpsCluster = {
  at: '2026-01-05T10:00:09.000Z',
  controllerId: 1,
  brokers: [1, 2, 3].map((id) => ({ id, address: `kafka-${id}:9092`, up: true, controller: id === 1 })),
  partitions: [0, 1, 2].map((partition) => ({
    partition,
    leader: partition + 1,
    replicas: [1, 2, 3],
    isr: [1, 2, 3],
    underReplicated: false,
    offline: false,
  })),
};

/** Broker 3 is dead: partition 0 lost a copy, partition 1 (whose only copy was on 3) has no leader. */
const BROKEN_CLUSTER: OpsCluster = {
  ...HEALTHY_CLUSTER,
  controllerId: 2,
  brokers: [
    { id: 1, address: 'kafka-1:9092', up: true, controller: false },
    { id: 2, address: 'kafka-2:9092', up: true, controller: true },
    { id: 3, address: 'kafka-3:9092', up: false, controller: false },
  ],
  partitions: [
    { partition: 0, leader: 1, replicas: [1, 2, 3], isr: [1, 2], underReplicated: true, offline: false },
    { partition: 1, leader: null, replicas: [3], isr: [3], underReplicated: false, offline: true },
    { partition: 2, leader: 2, replicas: [2, 1], isr: [2, 1], underReplicated: false, offline: false },
  ],
};

function snapshot(overrides: Partial<OpsSnapshot> = {}): OpsSnapshot {
  return {
    at: '2026-01-05T10:00:10.000Z',
    topic: 'order.created',
    groupId: 'order-processor',
    kafkaError: null,
    group: {
      state: 'Stable',
      members: [
        {
          memberId: 'm-1',
          clientId: 'order-processor-a1',
          instance: 'order-processor-a1',
          host: '/127.0.0.1',
          partitions: [0, 1, 2],
          topics: ['order.created'],
        },
        {
          memberId: 'm-2',
          clientId: 'order-processor-b2',
          instance: 'order-processor-b2',
          host: '/127.0.0.1',
          partitions: [],
          topics: ['order.created'],
        },
      ],
    },
    partitions: [
      { partition: 0, owner: 'order-processor-a1', endOffset: '10', committed: '10', lag: 0, lagSeconds: null },
      { partition: 1, owner: 'order-processor-a1', endOffset: '7', committed: '4', lag: 3, lagSeconds: 2.44 },
      { partition: 2, owner: null, endOffset: '5', committed: null, lag: 5, lagSeconds: 12 },
    ],
    cluster: HEALTHY_CLUSTER,
    rebalances: [
      { at: '2026-01-05T10:00:05.000Z', state: 'Stable', assignment: { 'order-processor-a1': [0, 1, 2] } },
      { at: '2026-01-05T10:00:01.000Z', state: 'PreparingRebalance', assignment: {} },
    ],
    rates: { accepted: [0, 1, 2, 12], shipped: [0, 0, 1, 3] },
    outbox: { unpublished: 2, parked: 0, oldestAgeSeconds: 1.5 },
    statuses: { pending: 4, processing: 1, confirmed: 0, shipped: 9 },
    transitions: [
      {
        orderNumber: 'MM-1001',
        status: 'shipped',
        at: '2026-01-05T10:00:09.000Z',
        instance: 'order-processor-a1',
        partition: 1,
        offset: '3',
      },
    ],
    ...overrides,
  };
}

const DEAD_LETTER: OpsDeadLetter = {
  id: '17',
  at: '2026-01-05T10:00:03.000Z',
  reason: 'invalid event: missing orderId',
  source: { topic: 'order.created', partition: 2, offset: '41' },
  key: 'c0ffee00-0000-4000-8000-000000000001',
};

const PROCESSORS: Processors = {
  instances: [{ name: 'order-processor-a1', port: 8091, pid: 4242 }],
  desired: 1,
};

function section(name: string) {
  return screen.getByRole('region', { name });
}

describe('ops page', () => {
  it('shows one partitions row per partition with its owner, lag highlighted, and the group', async () => {
    renderApp('/ops', fakeApi({ 'GET /api/ops/snapshot': () => json(snapshot()) }));

    const table = await screen.findByTestId('partitions-table');
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent('Pipeline');
    const partitions = section('Partitions of order.created');
    expect(partitions).toContainElement(table);
    const headers = within(table)
      .getAllByRole('columnheader')
      .map((header) => header.textContent);
    expect(headers).toEqual(['Partition', 'Owner', 'End offset', 'Committed', 'Lag', 'Lag (s)']);

    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows).toHaveLength(3);
    expect(rows[0]).toHaveTextContent(/^0order-processor-a11010/);
    expect(rows[0]).not.toHaveClass('ops-table__row--lagging');
    expect(rows[1]).toHaveTextContent('order-processor-a1743');
    expect(rows[1]).toHaveTextContent(/32\.4$/);
    expect(rows[1]).toHaveClass('ops-table__row--lagging');
    expect(rows[2]).toHaveTextContent('2—5—512.0');
    expect(within(partitions).getByTestId('group-line')).toHaveTextContent('Group order-processor · state Stable');
  });

  it('lists the group members, an idle one as idle, and the rebalances newest first', async () => {
    renderApp('/ops', fakeApi({ 'GET /api/ops/snapshot': () => json(snapshot()) }));
    const members = await screen.findByRole('list', { name: 'Members' });
    const items = within(members).getAllByRole('listitem');
    expect(items[0]).toHaveTextContent('order-processor-a1');
    expect(items[0]).toHaveTextContent('0, 1, 2');
    expect(items[1]).toHaveTextContent('order-processor-b2');
    expect(within(items[1] as HTMLElement).getByText('idle')).toBeVisible();

    const timeline = within(section('Group members')).getByRole('list', { name: 'Rebalances' });
    const entries = within(timeline).getAllByRole('listitem');
    expect(entries[0]).toHaveTextContent('Stable');
    expect(entries[0]).toHaveTextContent('order-processor-a1: 0,1,2');
    expect(entries[1]).toHaveTextContent('PreparingRebalance');

    const throughput = section('Throughput');
    expect(within(throughput).getByRole('img', { name: /^Accepted orders per second.*now 12\.0$/ })).toBeVisible();
    expect(within(throughput).getByTestId('outbox')).toHaveTextContent('Outbox: 2 unpublished, oldest 1.5 s');
    expect(within(throughput).getByText('Shipped', { selector: 'dt' }).nextSibling).toHaveTextContent('9');
  });

  it('shows the brokers and the replicas, a down broker, an under-replicated and an offline partition flagged', async () => {
    renderApp('/ops', fakeApi({ 'GET /api/ops/snapshot': () => json(snapshot({ cluster: BROKEN_CLUSTER })) }));
    const brokers = await screen.findByTestId('brokers-table');
    const cluster = section('Kafka cluster');
    expect(cluster).toContainElement(brokers);
    expect(within(cluster).getByTestId('cluster-summary')).toHaveTextContent(
      '2 of 3 brokers up · controller 2 · 1 under-replicated · 1 offline',
    );
    const [, one, two, three] = within(brokers).getAllByRole('row');
    expect(one).toHaveTextContent(/^1kafka-1:9092up—$/);
    expect(two).toHaveTextContent(/^2kafka-2:9092upactive controller$/);
    expect(three).toHaveTextContent(/^3kafka-3:9092down—$/);
    expect(three).toHaveClass('ops-table__row--alert');
    expect(one).not.toHaveClass('ops-table__row--alert');

    const replicas = within(cluster).getByTestId('replicas-table');
    expect(
      within(replicas)
        .getAllByRole('columnheader')
        .map((header) => header.textContent),
    ).toEqual(['Partition', 'Leader', 'Replicas', 'In sync', 'State']);
    const [, p0, p1, p2] = within(replicas).getAllByRole('row');
    expect(p0).toHaveTextContent(/^011, 2, 31, 2under-replicated$/);
    expect(p0).toHaveClass('ops-table__row--warning');
    expect(p1).toHaveTextContent(/^1none33offline$/);
    expect(p1).toHaveClass('ops-table__row--alert');
    expect(p2).toHaveTextContent(/^222, 12, 1in sync$/);
    expect(p2).not.toHaveClass('ops-table__row--warning');
    expect(p2).not.toHaveClass('ops-table__row--alert');
  });

  it('flags nothing on a healthy cluster', async () => {
    renderApp('/ops', fakeApi({ 'GET /api/ops/snapshot': () => json(snapshot()) }));
    expect(await screen.findByTestId('cluster-summary')).toHaveTextContent(
      '3 of 3 brokers up · controller 1 · 0 under-replicated · 0 offline',
    );
    expect(within(section('Kafka cluster')).queryAllByText(/^(down|under-replicated|offline)$/)).toEqual([]);
  });

  it('says so when the cluster cannot be read', async () => {
    renderApp('/ops', fakeApi({ 'GET /api/ops/snapshot': () => json(snapshot({ cluster: null })) }));
    const message = await screen.findByText('The cluster cannot be read right now.');
    expect(section('Kafka cluster')).toContainElement(message);
  });

  it('shows a Kafka error above the partitions and the latest transitions', async () => {
    renderApp(
      '/ops',
      fakeApi({ 'GET /api/ops/snapshot': () => json(snapshot({ kafkaError: 'broker 127.0.0.1:9092 refused' })) }),
    );
    expect(await screen.findByTestId('kafka-error')).toHaveTextContent('Kafka: broker 127.0.0.1:9092 refused');
    expect(screen.getByTestId('kafka-error')).toHaveAttribute('role', 'alert');
    const transitions = within(section('Latest transitions')).getByRole('table');
    expect(
      within(transitions)
        .getAllByRole('columnheader')
        .map((header) => header.textContent),
    ).toEqual(['Order', 'Status', 'Instance', 'Partition', 'Offset', 'Time']);
    expect(within(transitions).getAllByRole('row')[1]).toHaveTextContent('MM-1001shippedorder-processor-a113');
  });

  it('replays a dead letter with a POST and says so', async () => {
    const user = userEvent.setup();
    let letters = [DEAD_LETTER];
    const fetch = fakeApi({
      'GET /api/ops/snapshot': () => json(snapshot()),
      'GET /api/ops/dead-letters': () => json({ deadLetters: letters }),
      'POST /api/ops/dead-letters/17/replay': () => {
        letters = [];
        return json({ replayed: '17', topic: 'order.created' });
      },
    });
    renderApp('/ops', fetch);

    const button = await screen.findByRole('button', { name: 'Replay dead letter 17' });
    const row = button.closest('tr') as HTMLElement;
    expect(row).toHaveTextContent('invalid event: missing orderId');
    expect(row).toHaveTextContent('order.created/2@41');
    expect(row).toHaveTextContent('c0ffee00-0000-4000-8000-000000000001');

    await user.click(button);
    expect(await screen.findByTestId('replay-status')).toHaveTextContent('Dead letter 17 replayed to order.created');
    expect(screen.getByTestId('replay-status')).toHaveAttribute('role', 'status');
    expect(fetch).toHaveBeenCalledWith('/api/ops/dead-letters/17/replay', expect.objectContaining({ method: 'POST' }));
    expect(await within(section('Dead letters')).findByText('No dead letters')).toBeVisible();
  });

  it('shows parked outbox events and hands them back to the relay with a POST', async () => {
    const user = userEvent.setup();
    let parked = 2;
    const fetch = fakeApi({
      'GET /api/ops/snapshot': () => json(snapshot({ outbox: { unpublished: 0, parked, oldestAgeSeconds: null } })),
      'GET /api/ops/dead-letters': () => json({ deadLetters: [] }),
      'POST /api/ops/outbox/parked/republish': () => {
        const republished = parked;
        parked = 0;
        return json({ republished });
      },
    });
    renderApp('/ops', fetch);

    expect(await screen.findByTestId('outbox-parked')).toHaveTextContent('2 events parked');
    await user.click(screen.getByRole('button', { name: 'Republish parked' }));
    expect(fetch).toHaveBeenCalledWith('/api/ops/outbox/parked/republish', expect.objectContaining({ method: 'POST' }));
    await waitFor(() => expect(screen.queryByTestId('outbox-parked')).toBeNull());
  });

  it('shows the problem detail when a replay is turned down', async () => {
    const user = userEvent.setup();
    renderApp(
      '/ops',
      fakeApi({
        'GET /api/ops/snapshot': () => json(snapshot()),
        'GET /api/ops/dead-letters': () => json({ deadLetters: [DEAD_LETTER] }),
        'POST /api/ops/dead-letters/17/replay': () =>
          json({ title: 'Gone', status: 409, detail: 'Dead letter 17 is no longer on the topic' }, 409),
      }),
    );
    await user.click(await screen.findByRole('button', { name: 'Replay dead letter 17' }));
    expect(await screen.findByTestId('replay-status')).toHaveTextContent('Dead letter 17 is no longer on the topic');
  });

  it('says the ops API is off on a 404 and stops asking', async () => {
    vi.useFakeTimers();
    const fetch = fakeApi({});
    renderApp('/ops', fetch);
    await act(async () => {
      await vi.advanceTimersByTimeAsync(0);
    });
    expect(screen.getByTestId('ops-off')).toHaveTextContent(
      'The ops API is off: start the Order Service with OPS_API=1 (npm start does)',
    );
    const snapshotCalls = () => fetch.mock.calls.filter(([url]) => url === '/api/ops/snapshot').length;
    expect(snapshotCalls()).toBe(1);
    await act(async () => {
      await vi.advanceTimersByTimeAsync(10_000);
    });
    expect(snapshotCalls()).toBe(1);
  });

  it('keeps the last snapshot on screen while the Order Service is unreachable', async () => {
    vi.useFakeTimers();
    let up = true;
    renderApp(
      '/ops',
      fakeApi({
        'GET /api/ops/snapshot': () => (up ? json(snapshot()) : Promise.reject(new TypeError('Failed to fetch'))),
      }),
    );
    await act(async () => {
      await vi.advanceTimersByTimeAsync(0);
    });
    up = false;
    await act(async () => {
      await vi.advanceTimersByTimeAsync(1_000);
    });
    expect(screen.getByTestId('ops-unreachable')).toHaveTextContent('not reachable');
    expect(screen.getByTestId('partitions-table')).toBeInTheDocument();
  });

  it('hides the scaling controls when the stack runner is not there', async () => {
    renderApp('/ops', fakeApi({ 'GET /api/ops/snapshot': () => json(snapshot()) }));
    expect(await screen.findByTestId('scaling-unavailable')).toHaveTextContent(
      'Scaling is available under npm start (npm run scale -- N)',
    );
    expect(screen.queryByRole('button', { name: 'Add instance' })).not.toBeInTheDocument();
  });

  it('adds a processor instance with a PUT of the count plus one', async () => {
    const user = userEvent.setup();
    const fetch = fakeApi({
      'GET /api/ops/snapshot': () => json(snapshot()),
      'GET /stack/processors': () => json(PROCESSORS),
      'PUT /stack/processors': (init) => {
        const { count } = JSON.parse(String(init?.body)) as { count: number };
        return json({
          instances: [...PROCESSORS.instances, { name: 'order-processor-b2', port: 8092, pid: null }],
          desired: count,
        });
      },
    });
    renderApp('/ops', fetch);

    expect(await screen.findByText(/Processor instances:/)).toHaveTextContent('Processor instances: 1');
    await user.click(screen.getByRole('button', { name: 'Add instance' }));
    await waitFor(() => expect(screen.getByText(/Processor instances:/)).toHaveTextContent('Processor instances: 2'));
    const put = fetch.mock.calls.find(([, init]) => init?.method === 'PUT');
    expect(put?.[0]).toBe('/stack/processors');
    expect(JSON.parse(String(put?.[1]?.body))).toEqual({ count: 2 });
    expect(screen.getByRole('button', { name: 'Remove instance' })).toBeEnabled();
  });

  it('disables Remove instance at zero processors', async () => {
    renderApp(
      '/ops',
      fakeApi({
        'GET /api/ops/snapshot': () => json(snapshot()),
        'GET /stack/processors': () => json({ instances: [], desired: 0 }),
      }),
    );
    expect(await screen.findByRole('button', { name: 'Remove instance' })).toBeDisabled();
  });

  it('is linked from the header as Pipeline', async () => {
    renderApp('/ops', fakeApi({ 'GET /api/ops/snapshot': () => json(snapshot()) }));
    const nav = screen.getByRole('navigation', { name: 'Main' });
    expect(within(nav).getByRole('link', { name: 'Pipeline' })).toHaveAttribute('href', '/ops');
    await screen.findByTestId('partitions-table');
  });

  it('shows the lab verdict green with its figures, and red with the orders that went wrong', async () => {
    const green = {
      since: '2026-01-05T09:00:00.000Z',
      accepted: 14,
      waitingInOutbox: 2,
      waitingOnTopic: 3,
      byStatus: { pending: 5, processing: 1, confirmed: 0, shipped: 8 },
      lost: [],
      outOfOrder: [],
      deadLettered: 0,
      duplicatesOnTopic: 1,
      slowestMs: 6400,
      green: true,
      sentence: 'Nothing lost: 14 accepted, 8 shipped, 2 in the outbox, 3 on the topic, 1 in a stage.',
      flow: { from: Date.parse('2026-01-05T09:00:00.000Z'), accepted: [0, 14], shipped: [0, 8], lag: [] },
    };
    let verdict: typeof green | Record<string, unknown> = green;
    renderApp(
      '/ops',
      fakeApi({ 'GET /api/ops/snapshot': () => json(snapshot()), 'GET /stack/verdict': () => json(verdict) }),
    );
    const panel = await screen.findByRole('region', { name: 'Verdict' });
    expect(within(panel).getByTestId('verdict')).toHaveAttribute('data-verdict', 'green');
    expect(within(panel).getByTestId('verdict')).toHaveTextContent(`Green: ${green.sentence}`);
    expect(within(panel).getByText('On the topic, not yet consumed').nextSibling).toHaveTextContent('3');
    expect(within(panel).getByText('Slowest accepted → shipped').nextSibling).toHaveTextContent('6.4 s');
    verdict = {
      ...green,
      lost: [{ orderNumber: 'MM-GONE001', reason: ' was accepted but is neither in the outbox nor on the topic' }],
      green: false,
      sentence: 'Order MM-GONE001 was accepted but is neither in the outbox nor on the topic.',
    };
    await waitFor(() => expect(within(panel).getByTestId('verdict')).toHaveAttribute('data-verdict', 'red'), {
      timeout: 5000,
    });
    expect(within(panel).getByRole('list', { name: 'Problems' })).toHaveTextContent(
      'MM-GONE001 was accepted but is neither in the outbox nor on the topic',
    );
  });

  it('leaves the verdict out when no stack runner answers', async () => {
    renderApp('/ops', fakeApi({ 'GET /api/ops/snapshot': () => json(snapshot()) }));
    await screen.findByTestId('partitions-table');
    expect(screen.queryByRole('region', { name: 'Verdict' })).not.toBeInTheDocument();
  });

  it('charts accepted, shipped and lag over five minutes with each fault of the timeline as a band', async () => {
    const from = Date.parse('2026-01-05T09:55:00.000Z');
    const at = (seconds: number) => new Date(from + seconds * 1000).toISOString();
    const paused = (i: number) => i >= 100 && i < 130;
    const flow = {
      from,
      accepted: Array.from({ length: 300 }, () => 20),
      shipped: Array.from({ length: 300 }, (_, i) => (paused(i) ? 0 : i < 160 && i >= 130 ? 40 : 20)),
      lag: [
        { at: from + 99_000, records: 0 },
        { at: from + 129_000, records: 600 },
        { at: from + 160_000, records: 0 },
      ],
    };
    const timeline = [
      { fault: 'poison', target: 'order.created key p-1', startedAt: at(-60), endedAt: at(-60) }, // before the window
      { fault: 'pause-processor', target: 'processor pid 42', startedAt: at(100), endedAt: at(130) },
      { fault: 'kill-processor', target: 'processor pid 43', startedAt: at(200), endedAt: at(200) },
      { fault: 'stop-broker', target: 'broker pid 7', startedAt: at(290), endedAt: null },
    ];
    renderApp(
      '/ops',
      fakeApi({
        'GET /api/ops/snapshot': () => json(snapshot()),
        'GET /stack/verdict': () =>
          json({
            since: at(0),
            accepted: 6000,
            waitingInOutbox: 0,
            waitingOnTopic: 0,
            byStatus: { pending: 0, processing: 0, confirmed: 0, shipped: 6000 },
            lost: [],
            outOfOrder: [],
            deadLettered: 0,
            duplicatesOnTopic: 0,
            slowestMs: 31_000,
            green: true,
            sentence: 'Nothing lost: 6000 accepted, 6000 shipped, 0 in the outbox, 0 on the topic, 0 in a stage.',
            flow,
          }),
        'GET /stack/faults': () => json({ faults: [], timeline }),
      }),
    );
    const chart = await screen.findByRole('img', { name: /over the last five minutes, with 3 faults$/ });
    const band = (fault: string) => chart.querySelector(`rect[data-fault="${fault}"]`);
    // 600 units for 300 s: the pause from second 100 to 130 is x 200, 60 wide; the kill an instant, 2 wide.
    expect([band('pause-processor')?.getAttribute('x'), band('pause-processor')?.getAttribute('width')]).toEqual([
      '200',
      '60',
    ]);
    expect(band('kill-processor')?.getAttribute('width')).toBe('2');
    expect(band('stop-broker')?.getAttribute('width')).toBe('20'); // still on: up to now
    expect(band('poison')).toBeNull();
    expect(band('pause-processor')?.textContent).toMatch(/^pause-processor \d.+ – \d.+$/); // its tooltip
    expect(band('stop-broker')?.textContent).toMatch(/^stop-broker \d.+ – on$/);
    expect(chart.querySelector('.ops-flow__shipped')?.getAttribute('points')?.split(' ')[110]).toMatch(/,159\.0$/);
    expect(screen.getByText('scale: 40/s, lag 600 records')).toBeInTheDocument();
    expect(screen.getByText('lag 0')).toBeInTheDocument();
  });

  it('starts the load at a rate and runs a fault from its button, then ends it, with the timeline', async () => {
    const user = userEvent.setup();
    let load = { running: false, rate: 0, accepted: 0, refused: 0, acceptedPerSecond: 0, refusedPerSecond: 0 };
    let active = false;
    const timeline: { fault: string; target: string; startedAt: string; endedAt: string | null }[] = [];
    const faults = () => ({
      faults: [
        { name: 'pause-processor', what: 'SIGSTOP the first processor', lasting: true, active },
        { name: 'poison', what: 'publish a poison record', lasting: false, active: false },
      ],
      timeline,
    });
    const fetch = fakeApi({
      'GET /api/ops/snapshot': () => json(snapshot()),
      'GET /stack/load': () => json(load),
      'PUT /stack/load': (init) => {
        const { rate } = JSON.parse(String(init?.body)) as { rate: number };
        load = { ...load, running: true, rate, accepted: 40, acceptedPerSecond: 20 };
        return json(load);
      },
      'GET /stack/faults': () => json(faults()),
      'POST /stack/faults/pause-processor': () => {
        active = true;
        timeline.push({
          fault: 'pause-processor',
          target: 'processor pid 42',
          startedAt: '2026-01-05T10:00:00.000Z',
          endedAt: null,
        });
        return json(timeline[0]);
      },
      'DELETE /stack/faults/pause-processor': () => {
        active = false;
        const entry = { ...(timeline[0] as (typeof timeline)[number]), endedAt: '2026-01-05T10:00:09.000Z' };
        timeline[0] = entry;
        return json(entry);
      },
    });
    renderApp('/ops', fetch);
    const lab = await screen.findByRole('region', { name: 'Fault lab' });
    const rate = within(lab).getByLabelText('Orders a second');
    await user.clear(rate);
    await user.type(rate, '20');
    await user.click(within(lab).getByRole('button', { name: 'Start load' }));
    await waitFor(() =>
      expect(within(lab).getByTestId('load-rates')).toHaveTextContent('20/s asked · accepted 20/s (40)'),
    );
    const put = fetch.mock.calls.find(([url, init]) => url === '/stack/load' && init?.method === 'PUT');
    expect(JSON.parse(String(put?.[1]?.body))).toEqual({ rate: 20 });

    await user.click(within(lab).getByRole('button', { name: 'Pause processor' }));
    const end = await within(lab).findByRole('button', { name: 'End pause processor' });
    expect(within(lab).getByRole('list', { name: 'Fault timeline' })).toHaveTextContent(
      'pause-processor on processor pid 42 — on',
    );
    await user.click(end);
    await within(lab).findByRole('button', { name: 'Pause processor' });
    expect(within(lab).getByRole('list', { name: 'Fault timeline' })).toHaveTextContent(
      /pause-processor on processor pid 42 — ended/,
    );
  });
});
