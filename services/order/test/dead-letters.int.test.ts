// The dead-letter reader of the ops page, `npm run dlq` and Replay, on the real broker: it lists what the topic
// holds now — after retention removed the oldest records too — and finds one record by reading at its offset.
import { deadLetterTopicOf } from '@metalmart/contracts';
import { clientOptions } from '@metalmart/contracts/kafka-connection';
import { createTestTopic, kafkaConnection, sendRecords } from '@metalmart/test-support/infra';
import { Admin } from '@platformatic/kafka';
import { beforeAll, describe, expect, it } from 'vitest';
import { findDeadLetter, listDeadLetters } from '../src/ops/dead-letters.ts';

let topic: string;
let topics: { topic: string; deadLetterTopic: string };
const brokers = () => kafkaConnection();
const values = (letters: { value: Buffer | undefined }[]) => letters.map((l) => l.value?.toString());

beforeAll(async () => {
  topic = await createTestTopic('dead-letters');
  topics = { topic, deadLetterTopic: deadLetterTopicOf(topic) };
});

describe('the dead-letter reader', () => {
  it('lists nothing for an empty topic, then every record, oldest first', async () => {
    expect(await listDeadLetters(brokers(), topics)).toEqual([]);
    await sendRecords(
      deadLetterTopicOf(topic),
      ['first', 'second', 'third'].map((value) => ({ key: 'k', value })),
    );
    const letters = await listDeadLetters(brokers(), topics);
    expect(letters.map((l) => l.offset)).toEqual([0n, 1n, 2n]);
    expect(values(letters)).toEqual(['first', 'second', 'third']);
  });

  it('finds a record by its offset, and none where there is none', async () => {
    expect((await findDeadLetter(brokers(), topics, 1n))?.value?.toString()).toBe('second');
    expect(await findDeadLetter(brokers(), topics, 3n)).toBeUndefined();
  });

  it('lists and finds what is left after the oldest records were deleted (retention)', async () => {
    const admin = new Admin({ clientId: 'dead-letters-test', ...clientOptions(brokers()) });
    try {
      await admin.deleteRecords({
        topics: [{ name: deadLetterTopicOf(topic), partitions: [{ partition: 0, offset: 2n }] }],
      });
    } finally {
      await admin.close();
    }
    const letters = await listDeadLetters(brokers(), topics);
    expect(letters.map((l) => l.offset)).toEqual([2n]);
    expect(values(letters)).toEqual(['third']);
    expect(await findDeadLetter(brokers(), topics, 0n)).toBeUndefined();
    expect((await findDeadLetter(brokers(), topics, 2n))?.value?.toString()).toBe('third');
  });
});
