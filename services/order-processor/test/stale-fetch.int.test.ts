// A fetch sent before a rebalance that answers after it. The member reads a partition, the partition moves to
// another member and comes back while the member's fetch is held at the proxy (tests/support/kafka-proxy.ts),
// and then that old answer arrives. Nothing was committed, so in the generation in which the partition came back
// the member must read it again from its first offset. With @platformatic/kafka's one stream across rebalances
// the old answer moved the stream's position past offsets never delivered in that generation: the consumer loop
// would have committed past orders nobody handled.
import { clientOptions } from '@metalmart/contracts/kafka-connection';
import { createTopicOn, kafkaConnection, uniqueName } from '@metalmart/test-support/infra';
import { API } from '@metalmart/test-support/kafka-proxy';
import { startPrivateKafka } from '@metalmart/test-support/private-kafka';
import { waitUntil } from '@metalmart/test-support/processes';
import { Producer, stringSerializers } from '@platformatic/kafka';
import { afterAll, describe, expect, it } from 'vitest';
import { createKafkaGroupMember, type Delivery, type GroupMember } from '../src/kafka.ts';

const closing: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const close of closing.reverse()) await close().catch(() => {});
});

const quiet = { info() {}, warn() {} };

describe('a fetch answered after its partition moved away and back', () => {
  it('does not move the read position: the partition is read again from the committed offset', async () => {
    const kafka = await startPrivateKafka({ proxied: true });
    closing.push(() => kafka.destroy());
    const proxy = kafka.proxy as NonNullable<typeof kafka.proxy>;
    const topic = uniqueName('stale-fetch');
    const groupId = uniqueName('stale-fetch-group');
    await createTopicOn(kafka.brokers, topic, 2);
    const producer = new Producer({
      clientId: uniqueName('stale-fetch-producer'),
      ...clientOptions(kafkaConnection(kafka.brokers)),
      serializers: stringSerializers,
    });
    closing.push(() => producer.close());
    const produce = (from: number) =>
      producer.send({
        messages: [0, 1].flatMap((partition) =>
          Array.from({ length: 10 }, (_, i) => ({ topic, partition, key: `p${partition}-${from + i}`, value: 'x' })),
        ),
      });
    const member = (name: string) =>
      createKafkaGroupMember({
        kafka: kafkaConnection(kafka.brokers),
        groupId,
        clientId: name,
        sessionTimeoutMs: 10_000,
        metadataMaxAgeMs: 60_000,
        log: quiet,
      });
    let streamError: unknown;
    const read = (who: GroupMember, into: Delivery[]) => {
      const stream = who.consume(topic);
      const loop = (async () => {
        for await (const delivery of await stream) into.push(delivery);
      })().catch((error: unknown) => {
        streamError = error;
      });
      return async () => {
        await (await stream).close();
        await loop;
      };
    };

    await produce(0); // offsets 0–9 on both partitions
    const first = member('stale-fetch-a');
    closing.push(() => first.close());
    const received: Delivery[] = [];
    closing.push(read(first, received));
    // Distinct positions, not deliveries: a rebalance under load (a late heartbeat) may deliver some twice.
    await waitUntil(
      'the first member read 0–9 of both partitions',
      async () => {
        if (streamError) throw streamError;
        return new Set(received.map((d) => `${d.partition}:${d.offset}`)).size === 20;
      },
      60_000,
    );

    // From now on every fetch answer is held 8 s: the member's next fetch (at offset 10) is in flight when the
    // records 10–19 arrive, and its answer comes after the two rebalances below.
    proxy.delay(API.Fetch, 8000);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await produce(10);
    const second = member('stale-fetch-b');
    closing.push(() => second.close());
    const stopSecond = read(second, []);
    await waitUntil('a partition moved to the second member', async () => second.assignment().partitions.length === 1);
    const moved = second.assignment().partitions[0]?.partition as number;
    await stopSecond();
    await second.close(); // leaves: the partition comes back to the first member
    await waitUntil('the partition back with the first member', async () => first.assignment().partitions.length === 2);
    const back = first.assignment().generation;
    proxy.delay(API.Fetch, 0);

    await waitUntil(
      `partition ${moved} read again from offset 0 in generation ${back}`,
      async () => received.some((d) => d.partition === moved && d.generation >= back && d.offset === 0n),
      60_000,
    );
    const again = received.filter((d) => d.partition === moved && d.generation >= back).map((d) => Number(d.offset));
    expect(new Set(again)).toEqual(new Set(Array.from({ length: 20 }, (_, i) => i)));
  });
});
