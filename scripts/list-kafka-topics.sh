#!/usr/bin/env bash
# Lists the Kafka topics of the MetalMart demo, one per line, sorted.
#
# By default it asks the cluster's broker: kubectl exec -n metalmart deploy/kafka, as in the walkthrough, or,
# where Kafka runs as the production overlay's three-node StatefulSet, its first pod (pod/kafka-0); with
# --local it asks the local broker of `npm run infra` / `npm start`, which has no kafka-topics CLI, through
# the project's Kafka client (@platformatic/kafka's admin API). --mirrord-only keeps only the temporary
# topics mirrord's queue splitting creates (mirrord-tmp-*).
#
# Usage: scripts/list-kafka-topics.sh [--mirrord-only] [--local] [--namespace NS] [--brokers HOST:PORT]
#
# Environment (the flags win):
#   KAFKA_TOPICS_TARGET   cluster (default) or local
#   KAFKA_NAMESPACE       namespace of the Kafka broker (metalmart)
#   KAFKA_WORKLOAD        workload to exec into (found: deploy/kafka, else pod/kafka-0 of statefulset/kafka)
#   KAFKA_BROKERS         local broker address (127.0.0.1:9092)
set -euo pipefail

readonly MIRRORD_PREFIX='mirrord-tmp-'
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target="${KAFKA_TOPICS_TARGET:-cluster}"
namespace="${KAFKA_NAMESPACE:-metalmart}"
workload="${KAFKA_WORKLOAD:-}"
brokers="${KAFKA_BROKERS:-127.0.0.1:9092}"
mirrord_only=false

usage() {
  sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"
}

die() {
  echo "list-kafka-topics: $*" >&2
  exit 1
}

while (($# > 0)); do
  case "$1" in
    -m | --mirrord-only) mirrord_only=true ;;
    -l | --local) target=local ;;
    -n | --namespace)
      (($# > 1)) || die "$1 needs a value"
      namespace="$2"
      shift
      ;;
    -b | --brokers)
      (($# > 1)) || die "$1 needs a value"
      brokers="$2"
      target=local
      shift
      ;;
    -h | --help)
      usage
      exit 0
      ;;
    *)
      echo "list-kafka-topics: unknown option: $1" >&2
      usage >&2
      exit 2
      ;;
  esac
  shift
done

# The seed's single broker is the Deployment kafka; the production cluster is the StatefulSet kafka, and any of
# its pods answers for the whole cluster: the first, kafka-0.
find_workload() {
  if kubectl get -n "$namespace" deployment/kafka -o name >/dev/null 2>&1; then
    echo deploy/kafka
  elif kubectl get -n "$namespace" statefulset/kafka -o name >/dev/null 2>&1; then
    echo pod/kafka-0
  else
    die "no Kafka in namespace $namespace: neither deploy/kafka nor statefulset/kafka (set KAFKA_WORKLOAD)"
  fi
}

list_cluster_topics() {
  command -v kubectl >/dev/null 2>&1 || die "kubectl not found on PATH (or use --local for the local broker)"
  [[ -n "$workload" ]] || workload="$(find_workload)" || exit 1
  # The official apache/kafka image keeps its tools in /opt/kafka/bin (deploy/k8s also puts a `kafka-topics`
  # wrapper on the pod's PATH; the full path works with any apache/kafka pod KAFKA_WORKLOAD may name). Inside the
  # pod the broker listens on localhost:9092. The tool gets a small heap of its own: with the pod's KAFKA_HEAP_OPTS
  # (the broker's) a second JVM that size inside the broker's memory limit can get the broker OOM-killed.
  kubectl exec -n "$namespace" "$workload" -- \
    env KAFKA_HEAP_OPTS="-Xms32m -Xmx128m" \
    /opt/kafka/bin/kafka-topics.sh --bootstrap-server localhost:9092 --list --exclude-internal
}

list_local_topics() {
  command -v node >/dev/null 2>&1 || die "node not found on PATH"
  [[ -d "$repo_root/node_modules/@platformatic/kafka" ]] ||
    die "the Kafka client is not installed: run npm ci in $repo_root first"
  # Resolved from the repository root, where npm installed the client.
  (cd "$repo_root" && KAFKA_BROKERS="$brokers" node --input-type=module -e "
    import { Admin } from '@platformatic/kafka';
    const admin = new Admin({
      clientId: 'list-kafka-topics',
      bootstrapBrokers: process.env.KAFKA_BROKERS.split(','),
      retries: 2,
      timeout: 5000,
    });
    try {
      const topics = await admin.listTopics({ includeInternals: false });
      process.stdout.write(topics.map((t) => t + '\n').join(''));
    } catch (error) {
      console.error('cannot list the topics of ' + process.env.KAFKA_BROKERS + ': ' + (error.message ?? error));
      process.exitCode = 1;
    } finally {
      await admin.close().catch(() => {});
    }
  ")
}

case "$target" in
  cluster) topics="$(list_cluster_topics)" || die "listing the topics in namespace $namespace failed" ;;
  local) topics="$(list_local_topics)" || die "listing the topics of the local broker $brokers failed" ;;
  *) die "KAFKA_TOPICS_TARGET must be cluster or local, not \"$target\"" ;;
esac

topics="$(printf '%s\n' "$topics" | sed '/^[[:space:]]*$/d' | LC_ALL=C sort)"
if [[ "$mirrord_only" == true ]]; then
  topics="$(printf '%s\n' "$topics" | grep -E "^${MIRRORD_PREFIX}" || true)"
  if [[ -z "$topics" ]]; then
    echo "list-kafka-topics: no ${MIRRORD_PREFIX}* topics (they exist while a queue-splitting session runs)" >&2
    exit 0
  fi
fi
[[ -z "$topics" ]] || printf '%s\n' "$topics"
