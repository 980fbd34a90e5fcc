#!/usr/bin/env bash
# Creates the order topic and its dead-letter topic (the Kubernetes Job and the Compose service both run this
# file), replicated as the local stack does it (dev/src/servers/topics.ts): KAFKA_REPLICATION_FACTOR, by default the
# smaller of 3 and the number of brokers, with min.insync.replicas=2 from factor 3 up. A topic that exists with
# a lower factor is reported in one line, never rewritten: moving replicas copies data, an operator's decision.
set -euo pipefail
bin=${KAFKA_BIN:-/opt/kafka/bin}
topics() { "$bin/kafka-topics.sh" --bootstrap-server "$KAFKA_BROKERS" "$@"; }

until topics --list >/dev/null; do
  echo "waiting for Kafka at $KAFKA_BROKERS…"
  sleep 5
done
brokers=$("$bin/kafka-broker-api-versions.sh" --bootstrap-server "$KAFKA_BROKERS" | grep -c '(id: ')
factor=${KAFKA_REPLICATION_FACTOR:-$((brokers < 3 ? brokers : 3))}
if [ "$factor" -gt "$brokers" ]; then
  echo "KAFKA_REPLICATION_FACTOR is $factor but the cluster has $brokers broker(s)" >&2
  exit 1
fi
config=()
if [ "$factor" -ge 3 ]; then config=(--config min.insync.replicas=2); fi

for spec in "$KAFKA_TOPIC:$KAFKA_TOPIC_PARTITIONS" "$KAFKA_DLQ_TOPIC:1"; do
  name=${spec%:*}
  partitions=${spec##*:}
  topics --create --if-not-exists --topic "$name" --partitions "$partitions" --replication-factor "$factor" \
    ${config[@]+"${config[@]}"}
  current=$(topics --describe --topic "$name" | sed -n 's/.*ReplicationFactor: \([0-9]*\).*/\1/p' | head -n 1)
  if [ "$current" -lt "$factor" ]; then
    echo "topic $name has replication factor $current, should be $factor (KAFKA_REPLICATION_FACTOR):" \
      "raise it with kafka-reassign-partitions.sh --execute (docs/deploy.md)"
  fi
done
topics --describe --topic "$KAFKA_TOPIC"
