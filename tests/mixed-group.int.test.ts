// mirrord's queue splitting puts members with different subscriptions into group `order-processor`. Here Kafka's
// own Java console consumer joins our processors' group subscribed to another topic — with Java's
// RoundRobinAssignor and with its default strategy, joining before and after the processors. The Java member
// must get all of its topic and nothing of ours, the processors all of ours, and the group must settle.
import { randomBytes } from 'node:crypto';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { placeOrders, statusCounts } from './support/fleet.ts';
import { createTestDatabase, createTestTopic, createTopicOn, kafkaBrokers, uniqueName } from './support/infra.ts';
import {
  type ConsoleConsumerMember,
  describeGroupState,
  describeMembers,
  produceWithConsoleProducer,
  startConsoleConsumer,
} from './support/kafka-tools.ts';
import { type ServiceProcess, startOrderService, startProcessor, waitUntil } from './support/processes.ts';

let databaseUrl: string;
const running: { stop(): Promise<unknown> }[] = [];
beforeAll(async () => {
  databaseUrl = await createTestDatabase();
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((p) => p.stop()));
});

const STRATEGIES = {
  RoundRobinAssignor: { 'partition.assignment.strategy': 'org.apache.kafka.clients.consumer.RoundRobinAssignor' },
  'the Java default (range, cooperative-sticky)': {},
};

/** The generations each processor has joined, from its log. */
function generations(processor: ServiceProcess): number[] {
  return processor.logs
    .filter((line) => line.includes('joined consumer group'))
    .map((line) => (JSON.parse(line) as { generation: number }).generation);
}

describe('a consumer group whose members subscribe to different topics (mirrord queue splitting)', () => {
  for (const [strategy, consumerProperties] of Object.entries(STRATEGIES)) {
    for (const javaFirst of [false, true]) {
      it(`Java member with ${strategy}, joining ${javaFirst ? 'before' : 'after'} the processors`, async () => {
        const brokers = kafkaBrokers();
        const topic = await createTestTopic('mixed', 6);
        const otherTopic = `mirrord-tmp-${randomBytes(4).toString('hex')}-${topic}`;
        await createTopicOn(brokers, otherTopic, 2);
        const groupId = uniqueName('mixed-group');
        const orderService = await startOrderService({ databaseUrl, kafkaBrokers: brokers, topic });
        running.push(orderService);
        const startJava = async () => {
          const java = await startConsoleConsumer(brokers, { topic: otherTopic, group: groupId, consumerProperties });
          running.push(java);
          await java.waitForLog(/Adding newly assigned partitions|Assigned partition|Request joining group/, 60_000);
          return java;
        };
        const processors: ServiceProcess[] = [];
        const startProcessors = async () => {
          for (const instance of ['mixed-a', 'mixed-b']) {
            const p = await startProcessor({
              kafkaBrokers: brokers,
              topic,
              groupId,
              orderServiceUrl: orderService.url,
              instance,
            });
            running.push(p);
            processors.push(p);
          }
        };
        let java: ConsoleConsumerMember;
        if (javaFirst) {
          java = await startJava();
          await startProcessors();
        } else {
          await startProcessors();
          java = await startJava();
        }

        // The Java member receives every record of its topic …
        const records = Array.from({ length: 30 }, (_, i) => ({ key: `k${i}`, value: `split-${i}` }));
        await produceWithConsoleProducer(brokers, otherTopic, records);
        const received = await java.waitForRecords(30, 60_000);
        expect(received.map((r) => r.value).sort()).toEqual(records.map((r) => r.value).sort());
        // … and the processors ship every order.
        const ids = await placeOrders(orderService.url, 30);
        await waitUntil(
          'orders shipped',
          async () => (await statusCounts(databaseUrl, ids)).shipped === ids.length,
          60_000,
          500,
        );

        // Kafka's own view of the group: the Java member owns only its topic, the processors all of ours.
        const members = await describeMembers(brokers, groupId);
        expect(members).toHaveLength(3);
        const javaMember = members.find((m) => m.clientId?.startsWith('console-consumer'));
        expect(javaMember?.assignment).toEqual({ [otherTopic]: [0, 1] });
        const ours = members.filter((m) => m !== javaMember);
        for (const member of ours) expect(Object.keys(member.assignment)).toEqual([topic]);
        expect(ours.flatMap((m) => m.assignment[topic] ?? []).sort()).toEqual([0, 1, 2, 3, 4, 5]);
        expect(java.log.join('\n')).not.toMatch(/non-subscribed topic/);

        // Settled: no member rejoins during a quiet period.
        const before = processors.flatMap(generations);
        const rejoinsBefore = java.log.filter((l) => l.includes('Request joining group')).length;
        await new Promise((resolve) => setTimeout(resolve, 6000));
        expect(processors.flatMap(generations)).toEqual(before);
        expect(java.log.filter((l) => l.includes('Request joining group')).length).toBe(rejoinsBefore);
        expect(Math.max(...before)).toBeLessThanOrEqual(6); // a handful of generations, not a loop
        expect((await describeGroupState(brokers, groupId)).state).toBe('Stable');
      });
    }
  }
});
