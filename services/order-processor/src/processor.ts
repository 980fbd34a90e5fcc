import { type Logger, processorClientIds } from '@metalmart/contracts';
import { reportConnectionSettingProblems } from '@metalmart/contracts/kafka-connection';
import type { ProcessorConfig } from './config.ts';
import { OrderConsumer } from './consumer.ts';
import { createKafkaDeadLetterPublisher } from './dead-letter.ts';
import { buildHealthServer } from './health.ts';
import { createKafkaGroupMember } from './kafka.ts';
import { createProcessorMetrics } from './metrics.ts';
import { createHttpOrderServiceClient } from './order-service-client.ts';
import { createOrderWorkflow } from './workflow.ts';

/**
 * The Order Processor's parts, built in one place and closed in reverse order: group member → dead-letter
 * producer → Order Service client → workflow → consumer loop → health server. main.ts and tests use it.
 */
export async function createProcessor(config: ProcessorConfig, log: Logger) {
  const stopReporting = reportConnectionSettingProblems((problem) => log.error(problem));
  const member = createKafkaGroupMember({
    kafka: config.kafka,
    groupId: config.groupId,
    clientId: processorClientIds(config.instance).member,
    sessionTimeoutMs: config.sessionTimeoutMs,
    metadataMaxAgeMs: config.metadataMaxAgeMs,
    log,
  });
  member.onAssignment(({ generation, partitions }) =>
    log.info({ generation, partitions: partitions.map((p) => `${p.topic}-${p.partition}`) }, 'joined consumer group'),
  );
  const deadLetters = createKafkaDeadLetterPublisher(
    config.kafka,
    config.deadLetterTopic,
    processorClientIds(config.instance).deadLetters,
    log,
  );
  const orderService = createHttpOrderServiceClient({
    baseUrl: config.orderServiceUrl,
    token: config.orderServiceToken,
  });
  const metrics = createProcessorMetrics({
    lag: () => member.lag(config.topic),
    inFlight: () => consumer.inFlight,
  });
  const consumer: OrderConsumer = new OrderConsumer({
    member,
    topic: config.topic,
    groupId: config.groupId,
    concurrency: config.concurrency,
    shutdownGraceMs: config.shutdownGraceMs,
    maxAttempts: config.maxAttempts,
    deadLetters,
    log,
    observer: metrics.observer,
    processOrder: createOrderWorkflow({
      orderService,
      stageDelayMs: config.stageDelayMs,
      instance: config.instance,
      log,
      onStage: metrics.observer.stage,
    }),
  });
  const health = buildHealthServer(
    consumer,
    metrics.registry,
    () => ({
      instance: config.instance,
      topic: config.topic,
      groupId: config.groupId,
      assignments: byTopic(member.assignment().partitions),
      memory: process.memoryUsage(),
      trackerEntries: consumer.held,
    }),
    metrics.totals,
  );
  return {
    consumer,
    /** Starts consuming and serving the health endpoints; resolves with their address. */
    async start(): Promise<string> {
      const address = await health.listen({ port: config.port, host: config.host });
      consumer.start();
      return address;
    },
    /** Stops fetching, finishes (or releases) in-flight orders, commits, leaves the group. */
    async close(): Promise<void> {
      await consumer.stop();
      await member.close();
      await orderService.close();
      await deadLetters.close();
      stopReporting();
      await health.close();
    },
  };
}

function byTopic(partitions: { topic: string; partition: number }[]) {
  const topics = new Map<string, number[]>();
  for (const { topic, partition } of partitions) topics.set(topic, [...(topics.get(topic) ?? []), partition]);
  return [...topics].map(([topic, list]) => ({ topic, partitions: list }));
}
