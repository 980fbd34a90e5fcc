import type {
  ClusterMetadata,
  ExtendedGroupProtocolSubscription,
  GroupPartitionsAssignments,
} from '@platformatic/kafka';

/**
 * What this group's leader hands out, whichever eager protocol (`roundrobin`, `range`) the members agreed
 * on: every partition of every topic that some member subscribes to, round-robin over the members
 * subscribed to that topic — as Java's RoundRobinAssignor does. @platformatic/kafka 2.12.1's own assigners
 * receive only the leader's topics and give them to every member, which breaks a group whose members
 * subscribe to different topics (mirrord's queue splitting does exactly that).
 */
export function subscriptionAwareAssigner(
  _leader: string,
  members: Map<string, ExtendedGroupProtocolSubscription>,
  _leaderTopics: Set<string>,
  metadata: ClusterMetadata,
): GroupPartitionsAssignments[] {
  const memberIds = [...members.keys()].sort();
  const result = new Map(memberIds.map((memberId) => [memberId, { memberId, assignments: new Map() }]));
  const topics = [...new Set(memberIds.flatMap((id) => members.get(id)?.topics ?? []))].sort();
  let next = 0;
  for (const topic of topics) {
    const partitions = metadata.topics.get(topic)?.partitionsCount ?? 0;
    const subscribers = memberIds.filter((id) => members.get(id)?.topics?.includes(topic));
    for (let partition = 0; partition < partitions; partition++) {
      // Advance the circular cursor to the next member subscribed to this topic.
      while (!subscribers.includes(memberIds[next % memberIds.length] as string)) next++;
      const owner = result.get(memberIds[next % memberIds.length] as string);
      next++;
      const assignments = owner?.assignments;
      const entry = assignments?.get(topic) ?? { topic, partitions: [] };
      entry.partitions.push(partition);
      assignments?.set(topic, entry);
    }
  }
  return [...result.values()];
}

/** The protocols this member offers, in preference order: both eager ones librdkafka and Java also speak. */
export const GROUP_PROTOCOLS = [
  { name: 'roundrobin', version: 1 },
  { name: 'range', version: 1 },
];
