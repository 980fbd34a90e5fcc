// The Kafka cluster under the queue: its brokers (up or down, the active controller) and, per partition of the
// topic, the leader, the replicas and the in-sync replicas — what `kafka-topics --describe` prints.
import type { OpsCluster } from '@metalmart/contracts';
import {
  type Admin,
  type API,
  type Callback,
  type Connection,
  type describeQuorumV2,
  findErrorBy,
  kGetApi,
  kGetBootstrapConnection,
  type metadataV12,
} from '@platformatic/kafka';

/** What the view needs from a Metadata answer, whether the client accepted it or refused it. */
export interface MetadataAnswer {
  /** The live brokers: Metadata lists only registered, unfenced ones. */
  brokers: { id: number; host: string; port: number }[];
  partitions: { partition: number; leader: number; replicas: number[]; isr: number[] }[];
}

const NO_LEADER = -1;
const METADATA_TOPIC = '__cluster_metadata';

/**
 * Metadata for `topic`, also when a partition has no leader: the broker then answers with LEADER_NOT_AVAILABLE
 * on that partition and the client rejects the whole answer, but the refusal carries it — and an offline
 * partition is what this view most has to show.
 */
export async function readMetadata(admin: Admin, topic: string, forceUpdate: boolean): Promise<MetadataAnswer> {
  try {
    const metadata = await admin.metadata({ topics: [topic], forceUpdate });
    return {
      brokers: [...metadata.brokers].map(([id, { host, port }]) => ({ id, host, port })),
      partitions: (metadata.topics.get(topic)?.partitions ?? []).map(({ leader, replicas, isr }, partition) => {
        return { partition, leader, replicas, isr };
      }),
    };
  } catch (error) {
    const refused = refusedMetadata(error as Error, topic);
    if (!refused) throw error;
    return refused;
  }
}

/** The answer inside the client's refusal of a Metadata response that said LEADER_NOT_AVAILABLE; else undefined. */
export function refusedMetadata(error: Error, topic: string): MetadataAnswer | undefined {
  if (!findErrorBy(error, 'apiId', 'LEADER_NOT_AVAILABLE')) return undefined;
  const response = findErrorBy(error, 'code', 'PLT_KFK_RESPONSE')?.response as metadataV12.MetadataResponse | undefined;
  const answered = response?.topics.find((t) => t.name === topic);
  if (!response || !answered) return undefined;
  return {
    brokers: response.brokers.map((b) => ({ id: b.nodeId, host: b.host, port: b.port })),
    partitions: answered.partitions
      .map((p) => ({ partition: p.partitionIndex, leader: p.leaderId, replicas: p.replicaNodes, isr: p.isrNodes }))
      .sort((a, b) => a.partition - b.partition),
  };
}

/**
 * The active controller: the leader of the metadata quorum, by DescribeQuorum (which a broker forwards to the
 * quorum). Not Metadata's controllerId: under KRaft that is a random live broker (KIP-590), a different one on
 * nearly every call.
 */
export async function activeController(admin: Admin): Promise<number | null> {
  type DescribeQuorum = API<[describeQuorumV2.DescribeQuorumRequestTopic[]], describeQuorumV2.DescribeQuorumResponse>;
  const [api, connection] = await Promise.all([
    viaCallback<DescribeQuorum>((done) => admin[kGetApi]('DescribeQuorum', done)),
    viaCallback<Connection>((done) => admin[kGetBootstrapConnection](done)),
  ]);
  const response = await api.async(connection, [{ topicName: METADATA_TOPIC, partitions: [{ partitionIndex: 0 }] }]);
  const leader = response.topics.find((t) => t.topicName === METADATA_TOPIC)?.partitions[0]?.leaderId;
  return leader === undefined || leader < 0 ? null : leader;
}

function viaCallback<T>(call: (done: Callback<T>) => void): Promise<T> {
  return new Promise((resolve, reject) => call((error, value) => (error ? reject(error) : resolve(value as T))));
}

/**
 * The page's view. A broker is down when a replica of the topic lives on it but Metadata no longer lists it
 * (a broker holding none of the topic's replicas is not seen going down); `addresses` keeps each broker's
 * host:port from when it was last seen up, so a down one still shows where it was.
 */
export function clusterView(
  answer: MetadataAnswer,
  controllerId: number | null,
  addresses: Map<number, string>,
  at: Date,
): OpsCluster {
  for (const b of answer.brokers) addresses.set(b.id, `${b.host}:${b.port}`);
  const up = new Set(answer.brokers.map((b) => b.id));
  const ids = new Set([...up, ...answer.partitions.flatMap((p) => p.replicas)]);
  return {
    at: at.toISOString(),
    controllerId,
    brokers: [...ids]
      .sort((a, b) => a - b)
      .map((id) => ({ id, address: addresses.get(id) ?? null, up: up.has(id), controller: id === controllerId })),
    partitions: answer.partitions.map((p) => ({
      partition: p.partition,
      leader: p.leader === NO_LEADER ? null : p.leader,
      replicas: p.replicas,
      isr: p.isr,
      underReplicated: p.isr.length < p.replicas.length,
      offline: p.leader === NO_LEADER,
    })),
  };
}
