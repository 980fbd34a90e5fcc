// Transitions of many orders in one request: what the workflows ask for in the same turn of the event loop goes
// out together (at delay 0 a batch's answer releases its orders at once, so their next steps form the next
// batch). Each caller still gets its own outcome.
import type { ProcessedBy, StatusUpdateRequest, TransitionBatchResponse } from '@metalmart/contracts';
import { TRANSITION_BATCH_MAX } from '@metalmart/contracts';
import { type SpanContext, trace } from '@opentelemetry/api';

export interface TransitionRequest {
  id: string;
  status: StatusUpdateRequest['status'];
  processedBy: ProcessedBy;
}
export type TransitionOutcome = TransitionBatchResponse['results'][number];

/** Sends one batch (each order at most once); `callers`: the spans that asked, for the batch span's links. */
export type SendBatch = (batch: TransitionRequest[], callers: SpanContext[]) => Promise<TransitionOutcome[]>;

interface Waiting {
  request: TransitionRequest;
  caller: SpanContext | undefined;
  resolve(outcome: TransitionOutcome): void;
  reject(error: unknown): void;
}

export interface BatcherOptions {
  maxBatch?: number;
  /**
   * A batch that failed with such an error is sent again one transition at a time, so that one order the Order
   * Service fails on (a 500) fails alone and its batch-mates go on. An outage fails them all.
   */
  splitOn?: (error: unknown) => boolean;
}

export function createTransitionBatcher(send: SendBatch, options: BatcherOptions = {}) {
  const maxBatch = options.maxBatch ?? TRANSITION_BATCH_MAX;
  let queue: Waiting[] = [];
  let scheduled = false;

  function dispatch(batch: Waiting[]) {
    const callers = batch.flatMap((w) => (w.caller ? [w.caller] : []));
    send(
      batch.map((w) => w.request),
      callers,
    ).then(
      (outcomes) => {
        for (const [i, w] of batch.entries()) {
          const outcome = outcomes[i];
          if (outcome?.id === w.request.id) w.resolve(outcome);
          else w.reject(new Error(`the batch answer has no outcome for order ${w.request.id}`));
        }
      },
      (error: unknown) => {
        if (batch.length > 1 && options.splitOn?.(error)) for (const w of batch) dispatch([w]);
        else for (const w of batch) w.reject(error);
      },
    );
  }

  function flush() {
    scheduled = false;
    while (queue.length > 0) {
      // An order asked twice (it cannot be, but a batch must never carry it twice) waits for the next batch.
      const batch: Waiting[] = [];
      const later: Waiting[] = [];
      const ids = new Set<string>();
      for (const w of queue) {
        if (batch.length < maxBatch && !ids.has(w.request.id)) {
          ids.add(w.request.id);
          batch.push(w);
        } else later.push(w);
      }
      queue = later;
      dispatch(batch);
    }
  }

  return function submit(request: TransitionRequest): Promise<TransitionOutcome> {
    return new Promise((resolve, reject) => {
      queue.push({ request, caller: trace.getActiveSpan()?.spanContext(), resolve, reject });
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    });
  };
}
