import { type FastifyPluginAsyncTypebox, Type } from '@fastify/type-provider-typebox';
import { OpsDeadLettersSchema, OpsReplaySchema, OpsRepublishedSchema, OpsSnapshotSchema } from '@metalmart/contracts';
import { notFound, ProblemError } from '../handlers/errors.ts';
import type { DeadLetterRecord } from '../ops/dead-letters.ts';
import type { createOpsMonitor } from '../ops/monitor.ts';
import { problemResponses } from '../problems.ts';

export interface OpsRoutesOptions {
  monitor: ReturnType<typeof createOpsMonitor>;
  findDeadLetter(offset: bigint): Promise<DeadLetterRecord | undefined>;
  replayDeadLetter(letter: DeadLetterRecord): Promise<void>;
  /** Hands parked outbox events back to the relay; resolves with how many. */
  republishParked(): Promise<number>;
}

/** Kafka or PostgreSQL not answering: a 503 the page shows, not a 500. */
async function orUnavailable<T>(what: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ProblemError) throw error;
    throw new ProblemError(503, `${what}: ${(error as Error).message}`);
  }
}

const DeadLetterParams = Type.Object({ id: Type.String({ pattern: '^[0-9]{1,19}$' }) });

/**
 * The live pipeline page's API (the shop's /ops). Only with OPS_API=1 (npm start sets it): it shows the group's
 * hosts and can republish records, so a deployment opts in (behind its own access control).
 */
export const opsRoutes: FastifyPluginAsyncTypebox<OpsRoutesOptions> = async (app, opts) => {
  app.get(
    '/snapshot',
    {
      schema: {
        tags: ['ops'],
        summary: 'The queue now: partitions, group members, rebalances, rates, outbox, statuses, transitions',
        response: { 200: OpsSnapshotSchema, ...problemResponses(503) },
      },
    },
    async () => orUnavailable('the queue cannot be read', () => opts.monitor.snapshot()),
  );

  app.get(
    '/dead-letters',
    {
      schema: {
        tags: ['ops'],
        summary: 'The dead-letter topic, newest first',
        response: { 200: OpsDeadLettersSchema, ...problemResponses(503) },
      },
    },
    async () => ({
      deadLetters: await orUnavailable('the dead-letter topic cannot be read', () => opts.monitor.deadLetters()),
    }),
  );

  app.post(
    '/dead-letters/:id/replay',
    {
      schema: {
        tags: ['ops'],
        summary: 'Republish a dead letter to the topic it came from (once its cause is gone)',
        params: DeadLetterParams,
        response: { 200: OpsReplaySchema, ...problemResponses(404, 503) },
      },
    },
    async (request) => {
      const letter = await orUnavailable('the dead-letter topic cannot be read', () =>
        opts.findDeadLetter(BigInt(request.params.id)),
      );
      if (!letter) throw notFound(`no dead letter at offset ${request.params.id}`);
      await orUnavailable('the record cannot be republished', () => opts.replayDeadLetter(letter));
      request.log.info(
        { deadLetter: request.params.id, key: letter.key, topic: letter.source.topic },
        'dead letter replayed',
      );
      return { replayed: request.params.id, topic: letter.source.topic };
    },
  );

  app.post(
    '/outbox/parked/republish',
    {
      schema: {
        tags: ['ops'],
        summary:
          'Hand parked outbox events back to the relay (once their cause is fixed: the topic back, a larger limit)',
        response: { 200: OpsRepublishedSchema, ...problemResponses(503) },
      },
    },
    async (request) => {
      const republished = await orUnavailable('the outbox cannot be updated', () => opts.republishParked());
      request.log.info({ republished }, 'parked outbox events republished');
      return { republished };
    },
  );
};
