// The topics step reads the brokers' reasons out of the client's errors (the library's own error classes here):
// a name taken meanwhile is fine, a settling cluster is asked again, anything else says why.
import { NetworkError, ResponseError } from '@platformatic/kafka';
import { describe, expect, it } from 'vitest';
import { brokerReasons } from '../src/servers/topics.ts';

const CREATE_TOPICS = 19;

describe('brokerReasons', () => {
  it("names each broker error of a CreateTopics answer, with the broker's message and whether it may be retried", () => {
    const answer = new ResponseError(
      CREATE_TOPICS,
      7,
      {
        '/topics/0': [36, 'Topic orders already exists.'],
        '/topics/1': [38, 'Replication factor: 3 larger than available brokers: 2.'],
        '/topics/2': [41, null],
      },
      {},
    );
    expect(brokerReasons(answer)).toEqual([
      { id: 'TOPIC_ALREADY_EXISTS', canRetry: false, text: 'Topic orders already exists.' },
      {
        id: 'INVALID_REPLICATION_FACTOR',
        canRetry: false,
        text: 'Replication factor: 3 larger than available brokers: 2.',
      },
      { id: 'NOT_CONTROLLER', canRetry: true, text: expect.any(String) },
    ]);
  });

  it('finds none in an error that is not a broker answer', () => {
    expect(brokerReasons(new NetworkError('Connection closed'))).toEqual([]);
    expect(brokerReasons(new Error('boom'))).toEqual([]);
  });
});
