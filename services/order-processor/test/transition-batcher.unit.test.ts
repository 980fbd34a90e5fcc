import { describe, expect, it } from 'vitest';
import { createTransitionBatcher, type TransitionOutcome, type TransitionRequest } from '../src/transition-batcher.ts';

const by = { instance: 'unit', topic: 'order.created', partition: 0, offset: '1' };
const request = (id: string): TransitionRequest => ({ id, status: 'processing', processedBy: by });

function recordingSend(
  answer: (batch: TransitionRequest[]) => TransitionOutcome[] | Error = (batch) =>
    batch.map((r) => ({ id: r.id, outcome: 'applied', status: r.status })),
) {
  const batches: string[][] = [];
  const send = async (batch: TransitionRequest[]) => {
    batches.push(batch.map((r) => r.id));
    const result = answer(batch);
    if (result instanceof Error) throw result;
    return result;
  };
  return { send, batches };
}

describe('transition batcher', () => {
  it('given transitions asked in the same turn, then they go out as one batch and each gets its own outcome', async () => {
    const { send, batches } = recordingSend((batch) =>
      batch.map((r) =>
        r.id === 'b' ? { id: r.id, outcome: 'not-found' } : { id: r.id, outcome: 'applied', status: 'processing' },
      ),
    );
    const submit = createTransitionBatcher(send);
    const outcomes = await Promise.all(['a', 'b', 'c'].map((id) => submit(request(id))));
    expect(batches).toEqual([['a', 'b', 'c']]);
    expect(outcomes.map((o) => o.outcome)).toEqual(['applied', 'not-found', 'applied']);
  });

  it('given a failed request, then every transition of that batch fails with its error', async () => {
    const { send } = recordingSend(() => new Error('Order Service unreachable'));
    const submit = createTransitionBatcher(send);
    const results = await Promise.allSettled(['a', 'b'].map((id) => submit(request(id))));
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });

  it('given the same order twice, then it never appears twice in one batch', async () => {
    const { send, batches } = recordingSend();
    const submit = createTransitionBatcher(send);
    await Promise.all([submit(request('a')), submit(request('a')), submit(request('b'))]);
    expect(batches).toEqual([['a', 'b'], ['a']]);
  });

  it('given more than the batch limit, then it splits them, in the order asked', async () => {
    const { send, batches } = recordingSend();
    const submit = createTransitionBatcher(send, { maxBatch: 2 });
    await Promise.all(['a', 'b', 'c', 'd', 'e'].map((id) => submit(request(id))));
    expect(batches).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
  });

  it('given a batch that fails on one order, then it is split and only that order fails', async () => {
    const { send, batches } = recordingSend((batch) =>
      batch.some((r) => r.id === 'bad')
        ? new Error('500')
        : batch.map((r) => ({ id: r.id, outcome: 'applied' as const })),
    );
    const submit = createTransitionBatcher(send, { splitOn: (error) => (error as Error).message === '500' });
    const results = await Promise.allSettled(['a', 'bad', 'c'].map((id) => submit(request(id))));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(batches).toEqual([['a', 'bad', 'c'], ['a'], ['bad'], ['c']]);
  });

  it('given an outage, then the batch is not split: every order waits for the Order Service', async () => {
    const { send, batches } = recordingSend(() => new Error('unreachable'));
    const submit = createTransitionBatcher(send, { splitOn: (error) => (error as Error).message === '500' });
    await Promise.allSettled(['a', 'b'].map((id) => submit(request(id))));
    expect(batches).toEqual([['a', 'b']]);
  });

  it('given an answer missing an outcome, then that caller fails instead of getting another order’s', async () => {
    const { send } = recordingSend((batch) => batch.slice(1).map((r) => ({ id: r.id, outcome: 'applied' as const })));
    const submit = createTransitionBatcher(send);
    const results = await Promise.allSettled(['a', 'b'].map((id) => submit(request(id))));
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });
});
