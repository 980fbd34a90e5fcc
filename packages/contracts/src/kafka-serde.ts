// How every producer and consumer of order.created and its dead letters (de)serialises a record: string keys
// and headers, the value as raw bytes — the consumer validates the bytes itself, and a record that is not JSON
// must reach the dead-letter topic (and come back from it) unchanged.
import { stringDeserializer, stringSerializer } from '@platformatic/kafka';

const raw = (data?: Buffer) => data;

export const RECORD_SERIALIZERS = {
  key: stringSerializer,
  value: raw,
  headerKey: stringSerializer,
  headerValue: stringSerializer,
};

export const RECORD_DESERIALIZERS = {
  key: stringDeserializer,
  value: raw,
  headerKey: stringDeserializer,
  headerValue: stringDeserializer,
};
