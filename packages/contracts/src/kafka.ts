import type { Env } from './env.ts';

/** Names shared by the producer, the consumer, the local stack and the deployment files. */
export const ORDER_CREATED_TOPIC = 'order.created';
export const ORDER_PROCESSOR_GROUP = 'order-processor';

/**
 * The dead-letter topic of `topic`: KAFKA_DLQ_TOPIC when `env` sets it, else `<topic>.dlq`. The processor writes
 * it, and the ops page, Replay, `npm run dlq` and the stack's topics read or create it: all ask here.
 */
export function deadLetterTopicOf(topic: string, env: Env = {}): string {
  return env.KAFKA_DLQ_TOPIC || `${topic}.dlq`;
}

/** The Kafka client ids of a processor instance: the group member, and its dead-letter producer. */
export const processorClientIds = (instance: string) => ({
  member: `${ORDER_PROCESSOR_GROUP}-${instance}`,
  deadLetters: `${ORDER_PROCESSOR_GROUP}-dlq-${instance}`,
});

/** The instance behind a group member's client id; anything else (a Java tool, mirrord) as it is. */
export const instanceOfClientId = (clientId: string): string =>
  clientId.startsWith(`${ORDER_PROCESSOR_GROUP}-`) && !clientId.startsWith(processorClientIds('').deadLetters)
    ? clientId.slice(ORDER_PROCESSOR_GROUP.length + 1)
    : clientId;

/**
 * Records of a partition not yet committed by a group. No commit yet (null or -1): the group would start from
 * the beginning, so everything is lag.
 */
export function partitionLag(endOffset: bigint, committed: bigint | null | undefined): number {
  const from = committed == null || committed < 0n ? 0n : committed;
  return Math.max(0, Number(endOffset - from));
}

/** Record header names. mirrord's queue splitting filters on `customer_email` (record headers only). */
export const HEADERS = {
  eventType: 'event_type',
  contentType: 'content-type',
  traceparent: 'traceparent',
  customerEmail: 'customer_email',
  // Dead-letter records carry why and where from.
  dlqError: 'dlq_error',
  dlqSourceTopic: 'dlq_source_topic',
  dlqSourcePartition: 'dlq_source_partition',
  dlqSourceOffset: 'dlq_source_offset',
  /** Set (to the value's size in bytes) when the letter was too large for the topic and went without its value. */
  dlqValueOmitted: 'dlq_value_omitted',
} as const;
