import { MultipleErrors, type metadataV12, ResponseError } from '@platformatic/kafka';
import { describe, expect, it } from 'vitest';
import { clusterView, type MetadataAnswer, refusedMetadata } from '../src/ops/kafka-cluster.ts';

const AT = new Date('2026-01-05T10:00:00.000Z');

describe('the cluster view', () => {
  it('reports a replica holder missing from Metadata as down, at its last address, and flags the partitions', () => {
    const answer: MetadataAnswer = {
      brokers: [
        { id: 3, host: '127.0.0.1', port: 9096 },
        { id: 1, host: '127.0.0.1', port: 9092 },
      ],
      partitions: [
        { partition: 0, leader: 1, replicas: [1, 2, 3], isr: [1, 3] },
        { partition: 1, leader: -1, replicas: [2], isr: [2] },
        { partition: 2, leader: 3, replicas: [3, 1], isr: [3, 1] },
      ],
    };
    const addresses = new Map([[2, '127.0.0.1:9094']]);
    const view = clusterView(answer, 3, addresses, AT);
    expect(view.at).toBe(AT.toISOString());
    expect(view.controllerId).toBe(3);
    expect(view.brokers).toEqual([
      { id: 1, address: '127.0.0.1:9092', up: true, controller: false },
      { id: 2, address: '127.0.0.1:9094', up: false, controller: false },
      { id: 3, address: '127.0.0.1:9096', up: true, controller: true },
    ]);
    expect(view.partitions.map((p) => [p.partition, p.leader, p.underReplicated, p.offline])).toEqual([
      [0, 1, true, false],
      [1, null, false, true],
      [2, 3, false, false],
    ]);
    // Live brokers' addresses are remembered for when they go down.
    expect(addresses.get(1)).toBe('127.0.0.1:9092');
    expect(clusterView({ ...answer, brokers: [] }, null, new Map(), AT).brokers[0]).toEqual({
      id: 1,
      address: null,
      up: false,
      controller: false,
    });
  });

  it("reads the partitions out of the client's refusal of an answer with a partition offline", () => {
    const response: metadataV12.MetadataResponse = {
      throttleTimeMs: 0,
      brokers: [{ nodeId: 1, host: '127.0.0.1', port: 9092, rack: null }],
      clusterId: 'c',
      controllerId: 1,
      topics: [
        {
          errorCode: 0,
          name: 'order.created',
          topicId: 't',
          isInternal: false,
          topicAuthorizedOperations: 0,
          partitions: [
            {
              errorCode: 5,
              partitionIndex: 1,
              leaderId: -1,
              leaderEpoch: 4,
              replicaNodes: [2],
              isrNodes: [2],
              offlineReplicas: [2],
            },
            {
              errorCode: 0,
              partitionIndex: 0,
              leaderId: 1,
              leaderEpoch: 3,
              replicaNodes: [1],
              isrNodes: [1],
              offlineReplicas: [],
            },
          ],
        },
      ],
    };
    // As the client throws it after its retries: the response's error inside a MultipleErrors.
    const leaderless = new ResponseError(3, 12, { '/topics/0/partitions/0': [5, null] }, response);
    const refused = refusedMetadata(
      new MultipleErrors('metadata failed 2 times.', [leaderless, leaderless]),
      'order.created',
    );
    expect(refused).toEqual({
      brokers: [{ id: 1, host: '127.0.0.1', port: 9092 }],
      partitions: [
        { partition: 0, leader: 1, replicas: [1], isr: [1] },
        { partition: 1, leader: -1, replicas: [2], isr: [2] },
      ],
    });

    // Any other refusal is an error to show, not an answer.
    const unauthorized = new ResponseError(3, 12, { '/topics/0': [29, null] }, response);
    expect(refusedMetadata(unauthorized, 'order.created')).toBeUndefined();
    expect(refusedMetadata(leaderless, 'another.topic')).toBeUndefined();
  });
});
