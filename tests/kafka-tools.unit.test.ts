// The parsers of tests/support/kafka-tools.ts on output Kafka 4.3.1's tools printed (kafka-consumer-groups tables,
// the console consumer's records), and the tool names of `npm run kafka`.

import { artifactOfJar, KAFKA_TOOLS, kafkaToolName } from '@metalmart/dev/tools/kafka-tools';
import { describe, expect, it } from 'vitest';
import {
  parseAssignment,
  parseConsoleRecord,
  parseGroupMembers,
  parseGroupPartitions,
  parseGroupState,
} from './support/kafka-tools.ts';

const DESCRIBE = `
GROUP           TOPIC                      PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG             CONSUMER-ID                                           HOST            CLIENT-ID
g1              orders-mx4f7f8k-abcdef     0          2               2               0               console-consumer-5e1ecc91-9e1e-4b40-bca3-5caaf15ba2bb /127.0.0.1      console-consumer
g1              orders-mx4f7f8k-abcdef     1          -               1               -               console-consumer-5e1ecc91-9e1e-4b40-bca3-5caaf15ba2bb /127.0.0.1      console-consumer
`;

const DESCRIBE_NO_MEMBERS = `
Consumer group 'g2' has no active members.

GROUP           TOPIC                      PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG             CONSUMER-ID     HOST            CLIENT-ID
g2              orders-mx4f7f8k-abcdef     0          2               2               0               -               -               -
`;

const MEMBERS = `
GROUP           CONSUMER-ID                                           HOST            CLIENT-ID        #PARTITIONS     CURRENT-EPOCH   CURRENT-ASSIGNMENT                                              TARGET-EPOCH    TARGET-ASSIGNMENT   
g2              console-consumer-46de6ed7-a0af-4f00-af82-4fd54878a49c /127.0.0.1      console-consumer 5               -               a-mx4f7f8k-abcdef:0,1,2;b-mx4f7f8k-bbbbbb:0,1                   -               -                   
`;

const MEMBERS_EMPTY = `
Consumer group 'g2' has no active members.

GROUP           CONSUMER-ID     HOST            CLIENT-ID       #PARTITIONS     CURRENT-EPOCH   CURRENT-ASSIGNMENT   TARGET-EPOCH    TARGET-ASSIGNMENT   
`;

const STATE = `
GROUP           COORDINATOR (ID)          ASSIGNMENT-STRATEGY  STATE                #MEMBERS
g1              127.0.0.1:9092  (1)       roundrobin           Stable               1
`;

const STATE_EMPTY = `
Consumer group 'g2' has no active members.

GROUP           COORDINATOR (ID)          ASSIGNMENT-STRATEGY  STATE                #MEMBERS
g2              127.0.0.1:9092  (1)       -                    Empty                0
`;

describe('kafka-consumer-groups --describe tables', () => {
  it('reads partition rows, "-" as null', () => {
    expect(parseGroupPartitions(DESCRIBE)).toEqual([
      {
        group: 'g1',
        topic: 'orders-mx4f7f8k-abcdef',
        partition: 0,
        currentOffset: 2,
        logEndOffset: 2,
        lag: 0,
        consumerId: 'console-consumer-5e1ecc91-9e1e-4b40-bca3-5caaf15ba2bb',
        host: '/127.0.0.1',
        clientId: 'console-consumer',
      },
      expect.objectContaining({ partition: 1, currentOffset: null, logEndOffset: 1, lag: null }),
    ]);
    expect(parseGroupPartitions(DESCRIBE_NO_MEMBERS)).toEqual([
      expect.objectContaining({ group: 'g2', currentOffset: 2, consumerId: null, host: null, clientId: null }),
    ]);
  });

  it('reads members with their assignment per topic', () => {
    expect(parseGroupMembers(MEMBERS)).toEqual([
      {
        group: 'g2',
        consumerId: 'console-consumer-46de6ed7-a0af-4f00-af82-4fd54878a49c',
        host: '/127.0.0.1',
        clientId: 'console-consumer',
        partitions: 5,
        currentEpoch: null,
        assignment: { 'a-mx4f7f8k-abcdef': [0, 1, 2], 'b-mx4f7f8k-bbbbbb': [0, 1] },
        targetEpoch: null,
        targetAssignment: null,
      },
    ]);
    expect(parseGroupMembers(MEMBERS_EMPTY)).toEqual([]);
    expect(parseAssignment('order.created:5,3')).toEqual({ 'order.created': [3, 5] });
    expect(parseAssignment(null)).toEqual({});
  });

  it('reads the state, the coordinator cell with its space included', () => {
    expect(parseGroupState(STATE)).toEqual({
      group: 'g1',
      coordinator: '127.0.0.1:9092',
      coordinatorId: 1,
      assignmentStrategy: 'roundrobin',
      state: 'Stable',
      members: 1,
    });
    expect(parseGroupState(STATE_EMPTY)).toMatchObject({ assignmentStrategy: null, state: 'Empty', members: 0 });
  });

  it('says what it got when the table is missing', () => {
    expect(() => parseGroupState('Error: Consumer group g does not exist.')).toThrow(/no table with the columns/);
  });
});

describe('console consumer records', () => {
  it('reads partition, offset, headers, key and value; null literal and NO_HEADERS', () => {
    expect(
      parseConsoleRecord('Partition:2\u001fOffset:0\u001fh1:v1\u001dh2:a:b\u001fk1\u001fvalue \u001f one'),
    ).toEqual({ partition: 2, offset: 0, key: 'k1', value: 'value \u001f one', headers: { h1: 'v1', h2: 'a:b' } });
    expect(parseConsoleRecord('Partition:0\u001fOffset:1\u001fNO_HEADERS\u001f\u0015\u001f')).toEqual({
      partition: 0,
      offset: 1,
      key: null,
      value: '',
      headers: {},
    });
    expect(() => parseConsoleRecord('Processed a total of 4 messages')).toThrow(/not a console consumer record/);
  });
});

describe('npm run kafka tool names', () => {
  it('accepts the short, kafka- and .sh names', () => {
    expect(kafkaToolName('consumer-groups')).toBe('consumer-groups');
    expect(kafkaToolName('kafka-console-consumer')).toBe('console-consumer');
    expect(kafkaToolName('kafka-topics.sh')).toBe('topics');
    expect(kafkaToolName('kafka-configs')).toBe('configs');
    expect(kafkaToolName('kafka-acls')).toBeUndefined();
    expect(KAFKA_TOOLS.topics).toBe('org.apache.kafka.tools.TopicCommand');
  });

  it('names a jar by its artifact, without the version', () => {
    expect(artifactOfJar('zstd-jni-1.5.6-10.jar')).toBe('zstd-jni');
    expect(artifactOfJar('kafka_2.13-4.3.1.jar')).toBe('kafka_2.13');
    expect(artifactOfJar('log4j-api-2.25.4.jar')).toBe('log4j-api');
    expect(artifactOfJar('HdrHistogram-2.2.2.jar')).toBe('HdrHistogram');
  });
});
