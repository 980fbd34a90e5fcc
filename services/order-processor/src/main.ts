// Order Processor process: read config, build the parts, start; on SIGTERM/SIGINT stop in reverse order.

import { configOrExit } from '@metalmart/contracts';
import { Consumer, stringDeserializer } from '@platformatic/kafka';
import pino from 'pino';
import { readConfig } from './config.ts';
import { OrderConsumer } from './consumer.ts';
import { createKafkaDeadLetterPublisher } from './dead-letter.ts';
import { buildHealthServer } from './health.ts';
import { createHttpOrderServiceClient } from './order-service-client.ts';
import { createOrderWorkflow } from './workflow.ts';

const log = pino({ name: 'order-processor', level: process.env.LOG_LEVEL || 'info' });
const config = configOrExit(readConfig, log);

const kafka = new Consumer({
  clientId: `order-processor-${config.instance}`,
  groupId: config.groupId,
  bootstrapBrokers: config.kafkaBrokers,
  deserializers: {
    key: stringDeserializer,
    value: (data?: Buffer) => data,
    headerKey: stringDeserializer,
    headerValue: stringDeserializer,
  },
  sessionTimeout: config.sessionTimeoutMs,
  heartbeatInterval: 1000,
  rebalanceTimeout: 30_000,
});
kafka.on('consumer:group:join', (e: { memberId: string; assignments?: unknown }) =>
  log.info({ memberId: e.memberId, assignments: e.assignments }, 'joined consumer group'),
);
const deadLetters = createKafkaDeadLetterPublisher(
  config.kafkaBrokers,
  config.deadLetterTopic,
  `order-processor-dlq-${config.instance}`,
);
const orderService = createHttpOrderServiceClient({ baseUrl: config.orderServiceUrl, token: config.orderServiceToken });
const consumer = new OrderConsumer({
  consumer: kafka,
  topic: config.topic,
  concurrency: config.concurrency,
  shutdownGraceMs: config.shutdownGraceMs,
  deadLetters,
  log,
  processOrder: createOrderWorkflow({
    orderService,
    stageDelayMs: config.stageDelayMs,
    instance: config.instance,
    log,
  }),
});
const health = buildHealthServer(consumer, () => ({
  instance: config.instance,
  topic: config.topic,
  groupId: config.groupId,
  assignments: kafka.assignments ?? [],
}));
const address = await health.listen({ port: config.port, host: config.host });
log.info(`health endpoints on ${address}; consuming ${config.topic} as group ${config.groupId}`);
consumer.start();

let closing = false;
async function shutdown(signal: string) {
  if (closing) return;
  closing = true;
  log.info(`${signal} received: finishing in-flight orders and leaving the group`);
  await consumer.stop();
  // Leaves the group: the partitions move to the other instances at once.
  await new Promise<void>((resolve) => kafka.close(true, () => resolve()));
  await deadLetters.close();
  await health.close();
  log.info('stopped');
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
