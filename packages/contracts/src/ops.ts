import { type Static, Type } from 'typebox';

// The live pipeline page (/ops in the shop) and the Order Service's /api/ops endpoints that feed it: what
// Kafka's admin API and PostgreSQL say about the queue, sampled every second while someone watches.

const Offset = Type.String({ pattern: '^-?[0-9]+$', description: 'a Kafka offset (int64, as a string)' });

export const OpsPartitionSchema = Type.Object({
  partition: Type.Integer({ minimum: 0 }),
  /** The instance (or client id) of the member that owns it; null while nobody does. */
  owner: Type.Union([Type.String(), Type.Null()]),
  endOffset: Offset,
  /** The group's committed offset; null before the group committed anything on it. */
  committed: Type.Union([Offset, Type.Null()]),
  /** Records after the committed offset (all of them before the first commit), as kafka-consumer-groups counts. */
  lag: Type.Integer({ minimum: 0 }),
  /** Age of the oldest record not yet committed, to within one sample; null without lag. */
  lagSeconds: Type.Union([Type.Number({ minimum: 0 }), Type.Null()]),
});

export const OpsMemberSchema = Type.Object({
  memberId: Type.String(),
  clientId: Type.String(),
  /** The processor instance name when the client id is a processor's, else the client id. */
  instance: Type.String(),
  host: Type.String(),
  /** Its partitions of the page's topic; empty: idle (more members than partitions, or another topic). */
  partitions: Type.Array(Type.Integer({ minimum: 0 })),
  /** Topics it subscribes to (a mixed group: mirrord's copies, other tools). */
  topics: Type.Array(Type.String()),
});

export const OpsRebalanceSchema = Type.Object({
  at: Type.String({ format: 'date-time' }),
  state: Type.String(),
  /** instance → partitions, as after this change. */
  assignment: Type.Record(Type.String(), Type.Array(Type.Integer({ minimum: 0 }))),
});

export type OpsRebalance = Static<typeof OpsRebalanceSchema>;

export const OpsTransitionSchema = Type.Object({
  orderNumber: Type.String(),
  status: Type.String(),
  at: Type.String({ format: 'date-time' }),
  instance: Type.String(),
  partition: Type.Integer({ minimum: 0 }),
  offset: Offset,
});

const NodeId = Type.Integer({ minimum: 0, description: 'a Kafka node id' });

export const OpsBrokerSchema = Type.Object({
  id: NodeId,
  /** host:port as the broker advertises it; a down broker's as last seen up, null if never seen since start. */
  address: Type.Union([Type.String(), Type.Null()]),
  /** Down: a replica of the topic lives on it but the cluster's metadata no longer lists it. */
  up: Type.Boolean(),
  /** The leader of the KRaft metadata quorum. */
  controller: Type.Boolean(),
});

export const OpsReplicaSetSchema = Type.Object({
  partition: Type.Integer({ minimum: 0 }),
  /** Null: offline, no replica in sync can lead it (nothing can be written or read there). */
  leader: Type.Union([NodeId, Type.Null()]),
  replicas: Type.Array(NodeId),
  /** The in-sync replicas. */
  isr: Type.Array(NodeId),
  /** Fewer in sync than replicas, as kafka-topics --describe --under-replicated-partitions counts. */
  underReplicated: Type.Boolean(),
  offline: Type.Boolean(),
});

export const OpsClusterSchema = Type.Object({
  /** When Kafka was asked; the page's one-second samples reuse it for a few seconds. */
  at: Type.String({ format: 'date-time' }),
  /** The active controller; null when the quorum could not be asked (e.g. no DESCRIBE on the cluster). */
  controllerId: Type.Union([NodeId, Type.Null()]),
  brokers: Type.Array(OpsBrokerSchema),
  /** One per partition of the page's topic. */
  partitions: Type.Array(OpsReplicaSetSchema),
});
export type OpsCluster = Static<typeof OpsClusterSchema>;

export const OpsSnapshotSchema = Type.Object({
  at: Type.String({ format: 'date-time' }),
  topic: Type.String(),
  groupId: Type.String(),
  /** Null when Kafka answered; else why not (the PostgreSQL half of the page still shows). */
  kafkaError: Type.Union([Type.String(), Type.Null()]),
  group: Type.Object({ state: Type.String(), members: Type.Array(OpsMemberSchema) }),
  partitions: Type.Array(OpsPartitionSchema),
  /** The brokers and where the topic's replicas are; null while the cluster cannot be read. */
  cluster: Type.Union([OpsClusterSchema, Type.Null()]),
  /** Membership changes seen, newest first. */
  rebalances: Type.Array(OpsRebalanceSchema),
  /** Orders per second over the last minute, oldest first (one value per sample). */
  rates: Type.Object({ accepted: Type.Array(Type.Number()), shipped: Type.Array(Type.Number()) }),
  outbox: Type.Object({
    unpublished: Type.Integer({ minimum: 0 }),
    /** Events Kafka will not take as they are (too large, topic gone, not allowed): set aside until republished. */
    parked: Type.Integer({ minimum: 0 }),
    oldestAgeSeconds: Type.Union([Type.Number({ minimum: 0 }), Type.Null()]),
  }),
  statuses: Type.Record(Type.String(), Type.Integer({ minimum: 0 })),
  transitions: Type.Array(OpsTransitionSchema),
});
export type OpsSnapshot = Static<typeof OpsSnapshotSchema>;

export const OpsDeadLetterSchema = Type.Object({
  /** Its offset on the dead-letter topic: what `npm run dlq -- replay ID` and the Replay button take. */
  id: Offset,
  at: Type.String({ format: 'date-time' }),
  reason: Type.String(),
  source: Type.Object({ topic: Type.String(), partition: Type.Integer(), offset: Type.String() }),
  /** The record key (the order id), when it had one. */
  key: Type.Union([Type.String(), Type.Null()]),
});
export const OpsDeadLettersSchema = Type.Object({ deadLetters: Type.Array(OpsDeadLetterSchema) });
export type OpsDeadLetter = Static<typeof OpsDeadLetterSchema>;

export const OpsReplaySchema = Type.Object({ replayed: Offset, topic: Type.String() });
export const OpsRepublishedSchema = Type.Object({
  /** Parked outbox events handed back to the relay. */
  republished: Type.Integer({ minimum: 0 }),
});
