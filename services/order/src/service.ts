import { setTimeout as sleep } from 'node:timers/promises';
import { reportConnectionSettingProblems } from '@metalmart/contracts/kafka-connection';
import type { FastifyBaseLogger } from 'fastify';
import { buildApp } from './app.ts';
import type { OrderServiceConfig } from './config.ts';
import { createKafkaEventProducer } from './kafka/producer.ts';
import { createOrderServiceMetrics } from './metrics.ts';
import { findDeadLetter, replayDeadLetter } from './ops/dead-letters.ts';
import { createKafkaQueue } from './ops/kafka-queue.ts';
import { createOpsMonitor } from './ops/monitor.ts';
import { outboxBacklog, republishParked } from './outbox/backlog.ts';
import { startOutboxPruner } from './outbox/pruner.ts';
import { OutboxRelay } from './outbox/relay.ts';
import { withCatalogCache } from './store/catalog-cache.ts';
import { migrate } from './store/migrate.ts';
import { createPool } from './store/pool.ts';
import { createPostgresOrderStore } from './store/postgres-order-store.ts';

const withTimeout = <T>(promise: Promise<T>, ms = 2000) =>
  Promise.race([promise, sleep(ms, undefined, { ref: false }).then(() => Promise.reject(new Error('timeout')))]);

async function migrateWhenReachable(databaseUrl: string, log: FastifyBaseLogger) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await migrate(databaseUrl, (message) => log.debug(message));
    } catch (error) {
      if (attempt >= 30) throw error;
      log.warn(`cannot migrate the database yet (${(error as Error).message}); retrying`);
      await sleep(1000);
    }
  }
}

/**
 * The Order Service's parts, created in one place and closed in reverse order: pool → migrations →
 * Kafka producer → outbox relay → HTTP app. main.ts and the integration tests both build it here.
 */
export async function createOrderService(config: OrderServiceConfig, log: FastifyBaseLogger) {
  const pool = createPool(config.databaseUrl, {
    max: config.databasePoolSize,
    timeoutMs: config.databaseTimeoutMs,
    onLost: (error) => log.warn(`PostgreSQL connection lost (${error.message}); the pool reconnects on the next query`),
  });
  await migrateWhenReachable(config.databaseUrl, log);
  const stopReporting = reportConnectionSettingProblems((problem) => log.error(problem));
  const producer = createKafkaEventProducer(config.kafka);
  const metrics = createOrderServiceMetrics({ backlog: () => outboxBacklog(pool) });
  const relay = new OutboxRelay({
    pool,
    producer,
    log,
    pollIntervalMs: config.outboxPollMs,
    publishWaitMs: config.publishWaitMs,
    observer: metrics,
  });
  const store = withCatalogCache(
    // A quarter of the pool for order inserts: the rest serves reads, transitions and the relay meanwhile.
    createPostgresOrderStore(pool, { insertsInFlight: Math.max(1, Math.floor(config.databasePoolSize / 4)) }),
    30_000,
  );
  const { kafka, kafkaTopic: topic, deadLetterTopic, processorGroupId: groupId } = config;
  const queue = config.opsApi ? createKafkaQueue({ kafka, topic, deadLetterTopic, groupId }) : undefined;
  const monitor = queue && createOpsMonitor({ queue, pool, kafka, topic, deadLetterTopic, groupId });
  const app = await buildApp({
    store,
    topic: config.kafkaTopic,
    serviceToken: config.serviceToken,
    logger: log,
    orderRateLimitPerMinute: config.orderRateLimitPerMinute,
    trustProxyHops: config.trustProxyHops,
    apiDocs: config.apiDocs,
    metrics,
    ...(monitor && {
      ops: {
        monitor,
        findDeadLetter: (offset: bigint) => findDeadLetter(kafka, { topic, deadLetterTopic }, offset),
        replayDeadLetter: (letter) => replayDeadLetter(kafka, letter),
        async republishParked() {
          const republished = await republishParked(pool);
          relay.wake();
          return republished;
        },
      },
    }),
    relay,
    readiness: async () => {
      const [outbox, kafka] = await Promise.allSettled([
        withTimeout(outboxBacklog(pool)),
        withTimeout(producer.ping()),
      ]);
      return {
        postgres: outbox.status === 'fulfilled',
        kafka: kafka.status === 'fulfilled',
        outbox: outbox.status === 'fulfilled' ? outbox.value : undefined,
      };
    },
  });
  relay.start();
  const pruner = startOutboxPruner({ pool, retentionMs: config.outboxRetentionMs, everyMs: 10 * 60_000, log });
  return {
    app,
    pool,
    relay,
    listen: () => app.listen({ port: config.port, host: config.host }),
    async close() {
      await app.close(); // stop taking requests, finish the ones in flight
      monitor?.close();
      await queue?.close();
      await relay.stop();
      await pruner.stop();
      await producer.close();
      stopReporting();
      await pool.end();
    },
  };
}
