import {
  isLegalTransition,
  type OrderCreatedEvent,
  type OrderStatus,
  type ProcessedBy,
  remainingStatuses,
} from '@metalmart/contracts';
import { describe, expect, it } from 'vitest';
import { PoisonMessageError, TransitionConflictError, UnavailableError } from '../src/errors.ts';
import type { OrderServiceClient } from '../src/order-service-client.ts';
import { createOrderWorkflow } from '../src/workflow.ts';

/** An in-memory Order Service with the same guarded-transition rule as the real one. */
function fakeOrderService(status: OrderStatus, failures: Error[] = []) {
  const calls: string[] = [];
  const state = { status };
  const client: OrderServiceClient = {
    async getOrder(id) {
      calls.push('get');
      if (id === 'missing') throw new PoisonMessageError('unknown order');
      return { id, status: state.status };
    },
    async updateOrderStatus(id, next, by: ProcessedBy) {
      const failure = failures.shift();
      if (failure) throw failure;
      if (id === 'missing') throw new PoisonMessageError('unknown order');
      calls.push(`${next}@${by.partition}:${by.offset}`);
      if (!remainingStatuses(state.status).includes(next)) return { id, status: state.status, applied: false };
      if (!isLegalTransition(state.status, next)) throw new TransitionConflictError('illegal');
      state.status = next;
      return { id, status: next, applied: true };
    },
  };
  return { client, calls, state };
}

const event = (id = 'o-1') => ({ order: { id } }) as unknown as OrderCreatedEvent;
const source = { topic: 'order.created', partition: 3, offset: 42n };
const quietLog = { warn: () => {}, info: () => {} };

function workflow(client: OrderServiceClient, waits: number[] = []) {
  return createOrderWorkflow({
    orderService: client,
    stageDelayMs: 2000,
    instance: 'unit',
    log: quietLog,
    wait: async (ms, signal) => {
      signal.throwIfAborted();
      waits.push(ms);
    },
  });
}

describe('order workflow', () => {
  it('given a new delivery, walks the order through every stage without reading it first', async () => {
    const { client, calls, state } = fakeOrderService('pending');
    const waits: number[] = [];
    await workflow(client, waits)(event(), source, new AbortController().signal);
    expect(state.status).toBe('shipped');
    expect(calls).toEqual(['processing@3:42', 'confirmed@3:42', 'shipped@3:42']);
    expect(waits).toEqual([2000, 2000, 2000]);
  });

  it('given a redelivered order, goes on from the status the first answer reports', async () => {
    const { client, calls } = fakeOrderService('confirmed');
    await workflow(client)(event(), source, new AbortController().signal);
    expect(calls).toEqual(['processing@3:42', 'shipped@3:42']);
  });

  it('given a retry, reads the order first and resumes where it is', async () => {
    const { client, calls } = fakeOrderService('confirmed');
    await workflow(client)(event(), source, new AbortController().signal, 2);
    expect(calls).toEqual(['get', 'shipped@3:42']);
  });

  it('given a retry of an order that already shipped, does nothing', async () => {
    const { client, calls } = fakeOrderService('shipped');
    await workflow(client)(event(), source, new AbortController().signal, 2);
    expect(calls).toEqual(['get']);
  });

  it('lets a failure through to the consumer (one retry policy) and resumes where the order is on the next try', async () => {
    const { client, state, calls } = fakeOrderService('pending', [new UnavailableError('503')]);
    const run = workflow(client);
    await expect(run(event(), source, new AbortController().signal)).rejects.toBeInstanceOf(UnavailableError);
    expect(state.status).toBe('pending');
    await run(event(), source, new AbortController().signal, 2);
    expect(state.status).toBe('shipped');
    expect(calls.filter((c) => c === 'get')).toHaveLength(1);
  });

  it('re-reads the order after a conflict and goes on from there', async () => {
    const { client, state, calls } = fakeOrderService('pending', [new TransitionConflictError('moved')]);
    await workflow(client)(event(), source, new AbortController().signal);
    expect(state.status).toBe('shipped');
    expect(calls).toEqual(['get', 'processing@3:42', 'confirmed@3:42', 'shipped@3:42']);
  });

  it('lets a poison error through for the dead-letter topic', async () => {
    const { client } = fakeOrderService('pending');
    await expect(workflow(client)(event('missing'), source, new AbortController().signal)).rejects.toBeInstanceOf(
      PoisonMessageError,
    );
  });

  it('stops when aborted (shutdown) without finishing', async () => {
    const { client, state } = fakeOrderService('pending');
    const controller = new AbortController();
    controller.abort();
    await expect(workflow(client)(event(), source, controller.signal)).rejects.toThrow();
    expect(state.status).toBe('pending');
  });
});
