// Kafka's own Java tools (tests/support/kafka-tools.ts, `npm run kafka`) against the real broker: the project's
// independent Kafka client. Records the console producer writes come back from the console consumer and from the
// project's Node client alike; a group of console consumers is what kafka-consumer-groups says it is.
import { spawn } from 'node:child_process';
import { repoRoot } from '@metalmart/dev/settings';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestTopic, kafkaBrokers, readTopic, uniqueName } from './support/infra.ts';
import {
  type ConsoleConsumerMember,
  consumeWithConsoleConsumer,
  describeGroup,
  describeGroupState,
  describeMembers,
  type ProducedRecord,
  produceWithConsoleProducer,
  startConsoleConsumer,
} from './support/kafka-tools.ts';
import { waitUntil } from './support/processes.ts';

const ROUND_ROBIN = 'org.apache.kafka.clients.consumer.RoundRobinAssignor';

/** The member id a console consumer joined with, from its log (`Successfully joined group … memberId='…'`). */
function memberIdOf(member: ConsoleConsumerMember): string | undefined {
  const joins = member.log.flatMap((line) => [...line.matchAll(/Successfully joined group .*memberId='([^']+)'/g)]);
  return joins.at(-1)?.[1];
}

/** The partitions of its latest `Adding newly assigned partitions: [t-0, t-2]` line (eager assignors: all it owns). */
function lastAssignmentLogged(member: ConsoleConsumerMember, topic: string): number[] {
  const lines = member.log.filter((line) => line.includes('Adding newly assigned partitions'));
  const list = /Adding newly assigned partitions: \[(.*)\]/.exec(lines.at(-1) ?? '')?.[1] ?? '';
  return list
    .split(', ')
    .filter((p) => p.startsWith(`${topic}-`))
    .map((p) => Number(p.slice(topic.length + 1)))
    .sort((a, b) => a - b);
}

function runCli(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'dev/src/cli/kafka-cli.ts', ...args], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe("Kafka's own tools against the real broker", () => {
  const members: ConsoleConsumerMember[] = [];
  afterEach(async () => {
    await Promise.all(members.splice(0).map((m) => m.stop()));
  });

  it('reads back with the console consumer what the console producer wrote: keys, headers, partitions', async () => {
    const topic = await createTestTopic('kafka-tools-records', 3);
    const produced: ProducedRecord[] = [
      ...Array.from({ length: 9 }, (_, i) => ({
        key: `order-${i % 3}`,
        value: JSON.stringify({ seq: i, item: 'Stahlträger ✓', note: 'with spaces: and a colon' }),
        headers: { 'event-type': 'order.created', seq: String(i) },
      })),
      { key: 'no-headers', value: 'plain' },
      { value: 'no key, no headers' },
    ];
    await produceWithConsoleProducer(kafkaBrokers(), topic, produced);

    const records = await consumeWithConsoleConsumer(kafkaBrokers(), { topic, maxMessages: produced.length });
    expect(records).toHaveLength(produced.length);
    const byValue = new Map(records.map((r) => [r.value, r]));
    for (const p of produced) {
      const record = byValue.get(p.value);
      expect(record, p.value).toMatchObject({ key: p.key ?? null, headers: p.headers ?? {} });
    }
    // One key, one partition; every partition's offsets 0…n-1 in the order the producer sent them.
    for (const key of ['order-0', 'order-1', 'order-2']) {
      const ofKey = records.filter((r) => r.key === key);
      expect(ofKey).toHaveLength(3);
      expect(new Set(ofKey.map((r) => r.partition)).size).toBe(1);
    }
    for (const partition of [0, 1, 2]) {
      const inPartition = records.filter((r) => r.partition === partition);
      expect(inPartition.map((r) => r.offset)).toEqual(inPartition.map((_, i) => i));
      const seqs = inPartition.flatMap((r) => (r.headers.seq ? [Number(r.headers.seq)] : []));
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    }
    expect(records.every((r) => r.partition >= 0 && r.partition < 3)).toBe(true);

    // The project's Node client sees the very same records where the Java consumer saw them.
    const node = await readTopic(topic, produced.length);
    expect(
      node
        .map((r) => ({
          partition: r.partition,
          offset: Number(r.offset),
          key: r.key ?? null,
          value: r.value,
          headers: Object.fromEntries(r.headers),
        }))
        .sort((a, b) => a.partition - b.partition || a.offset - b.offset),
    ).toEqual([...records].sort((a, b) => a.partition - b.partition || a.offset - b.offset));
  });

  it('describes a group of two console consumers (Java default assignor): members, assignment, offsets, state', async () => {
    const topic = await createTestTopic('kafka-tools-group', 4);
    const group = uniqueName('kafka-tools-group');
    const consumerProperties = { 'auto.commit.interval.ms': '200' };
    const first = await startConsoleConsumer(kafkaBrokers(), { topic, group, consumerProperties });
    members.push(first);
    await first.waitForLog(/Adding newly assigned partitions/);
    const second = await startConsoleConsumer(kafkaBrokers(), { topic, group, consumerProperties });
    members.push(second);
    await second.waitForLog(/Adding newly assigned partitions/);

    let described = await describeMembers(kafkaBrokers(), group);
    await waitUntil(
      'both members with 2 partitions each',
      async () => {
        described = await describeMembers(kafkaBrokers(), group);
        return described.length === 2 && described.every((m) => m.partitions === 2);
      },
      60_000,
      500,
    );
    const assignments = described.flatMap((m) => m.assignment[topic] ?? []).sort();
    expect(assignments).toEqual([0, 1, 2, 3]);
    for (const member of [first, second]) {
      const id = memberIdOf(member);
      const row = described.find((m) => m.consumerId === id);
      expect(row, `member ${id} in ${JSON.stringify(described)}`).toBeDefined();
      expect(row).toMatchObject({ clientId: 'console-consumer', currentEpoch: null, targetAssignment: null });
      // What the member logged as assigned is what the coordinator says it owns.
      expect(row?.assignment).toEqual({ [topic]: lastAssignmentLogged(member, topic) });
    }
    expect(await describeGroupState(kafkaBrokers(), group)).toMatchObject({
      group,
      state: 'Stable',
      members: 2,
      assignmentStrategy: 'range', // Java's default list is [range, cooperative-sticky]: the first both support
    });

    await produceWithConsoleProducer(
      kafkaBrokers(),
      topic,
      Array.from({ length: 8 }, (_, i) => ({ key: `k${i}`, value: `v${i}` })),
    );
    await waitUntil('8 records across both members', async () => first.records.length + second.records.length === 8);
    for (const member of [first, second]) {
      const owned = lastAssignmentLogged(member, topic);
      expect(member.records.every((r) => owned.includes(r.partition))).toBe(true);
    }
    let rows = await describeGroup(kafkaBrokers(), group);
    await waitUntil(
      'the group has committed everything',
      async () => {
        rows = await describeGroup(kafkaBrokers(), group);
        return rows.length === 4 && rows.every((r) => r.lag === 0);
      },
      30_000,
      500,
    );
    for (const row of rows) {
      expect(row).toMatchObject({ group, topic, clientId: 'console-consumer' });
      const owner = described.find((m) => m.consumerId === row.consumerId);
      expect(owner?.assignment[topic]).toContain(row.partition);
      expect(row.currentOffset).toBe(row.logEndOffset);
    }
    expect(rows.reduce((sum, r) => sum + (r.logEndOffset ?? 0), 0)).toBe(8);

    expect([0, 143]).toContain(await first.stop());
    expect([0, 143]).toContain(await second.stop());
    expect(await describeGroupState(kafkaBrokers(), group)).toMatchObject({ state: 'Empty', members: 0 });
    const left = await describeGroup(kafkaBrokers(), group);
    expect(left.map((r) => [r.partition, r.currentOffset, r.consumerId]).sort()).toEqual(
      rows.map((r) => [r.partition, r.currentOffset, null]).sort(),
    );
  });

  it("joins with the RoundRobinAssignor and logs the consumer's assignment at INFO", async () => {
    const topic = await createTestTopic('kafka-tools-roundrobin', 2);
    const group = uniqueName('kafka-tools-roundrobin');
    const member = await startConsoleConsumer(kafkaBrokers(), {
      topic,
      group,
      consumerProperties: { 'partition.assignment.strategy': ROUND_ROBIN },
    });
    members.push(member);
    const assigned = await member.waitForLog(/Adding newly assigned partitions/);
    expect(assigned).toContain(`${topic}-0`);
    expect(assigned).toContain(`${topic}-1`);
    expect(member.log.some((line) => /Successfully joined group .*protocol='roundrobin'/.test(line))).toBe(true);
    // Warnings only from everything else: no config dump, no INFO from outside the consumer.
    expect(member.log.some((line) => line.includes('ConsumerConfig values'))).toBe(false);
    expect(member.log.filter((line) => / INFO /.test(line)).every((line) => line.includes('clients.consumer'))).toBe(
      true,
    );
    const [only] = await describeMembers(kafkaBrokers(), group);
    expect(only).toMatchObject({ consumerId: memberIdOf(member), partitions: 2, assignment: { [topic]: [0, 1] } });
    expect(await describeGroupState(kafkaBrokers(), group)).toMatchObject({
      assignmentStrategy: 'roundrobin',
      state: 'Stable',
      members: 1,
    });
  });

  it('npm run kafka -- kafka-topics --describe: the CLI entry, its default broker and exit codes', async () => {
    const topic = await createTestTopic('kafka-tools-cli', 3);
    // KAFKA_BROKERS is the default --bootstrap-server, as for the services.
    const described = await runCli(['kafka-topics', '--describe', '--topic', topic], {
      KAFKA_BROKERS: kafkaBrokers(),
    });
    expect(described.code, described.stderr).toBe(0);
    expect(described.stdout).toMatch(new RegExp(`Topic: ${topic}\\s+TopicId: \\S+\\s+PartitionCount: 3`));
    expect(described.stdout.match(/Partition: \d/g)).toHaveLength(3);

    const missing = await runCli([
      'topics',
      '--bootstrap-server',
      kafkaBrokers(),
      '--describe',
      '--topic',
      `${topic}-x`,
    ]);
    expect(missing.code).toBe(1); // the tool's own exit code
    expect(missing.stdout).toContain('does not exist');

    const usage = await runCli([]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('usage: npm run kafka -- <tool>');
  });
});
