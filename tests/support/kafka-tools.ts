// Kafka's own Java tools as an independent client for tests: a group as kafka-consumer-groups describes it, records
// as the console consumer reads them, records the console producer writes, a long-running console consumer as a
// group member (its assignment log included). Each call starts a JVM (a second or more here): keep them few.
// `brokers` undefined → the test broker (inject('kafkaBrokers'), as tests/support/infra.ts does).
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { constants } from 'node:os';
import { join } from 'node:path';
import {
  ensureKafkaToolsJars,
  KAFKA_TOOLS,
  type KafkaToolName,
  kafkaToolJavaArgs,
  kafkaToolJvmOptions,
} from '@metalmart/dev/tools/kafka-tools';
import type {} from '@metalmart/test-support/harness/vitest-context';
import { inject } from 'vitest';

const brokersOr = (brokers: string | undefined): string => brokers ?? inject('kafkaBrokers');

export interface KafkaToolRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface KafkaToolOptions {
  /** Written to the tool's stdin, which is then closed. */
  input?: string;
  /** Killed (SIGKILL) and rejected after this long; default 60 s. */
  timeoutMs?: number;
  /** Single loggers' levels (slf4j-simple), e.g. `{ 'org.apache.kafka.clients.consumer': 'info' }`. */
  logLevels?: Record<string, string>;
  /** A client properties file (security.protocol, SASL, TLS) for a secured listener: `--command-config`. */
  commandConfig?: string;
}

/** Runs one tool against `brokers` (`--bootstrap-server` is added) and collects its output. Never throws on exit codes. */
async function runKafkaTool(
  brokers: string | undefined,
  tool: KafkaToolName,
  args: readonly string[],
  options: KafkaToolOptions = {},
): Promise<KafkaToolRun> {
  const jars = await ensureKafkaToolsJars();
  const javaArgs = kafkaToolJavaArgs(
    jars,
    KAFKA_TOOLS[tool],
    [
      '--bootstrap-server',
      brokersOr(brokers),
      ...(options.commandConfig ? ['--command-config', options.commandConfig] : []),
      ...args,
    ],
    kafkaToolJvmOptions(options.logLevels),
  );
  const child = spawn('java', javaArgs, { stdio: ['pipe', 'pipe', 'pipe'] });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  child.stdin.on('error', () => {}); // a tool that exits before reading all of its input
  child.stdin.end(options.input ?? '');
  const timeoutMs = options.timeoutMs ?? 60_000;
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, timeoutMs);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (exitCode) => resolve(exitCode));
  }).finally(() => clearTimeout(timer));
  const run = { code, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') };
  if (timedOut) throw new Error(`kafka-${tool} ${args.join(' ')} did not finish in ${timeoutMs} ms:\n${tail(run)}`);
  return run;
}

const tail = (run: KafkaToolRun) => `${run.stdout}\n${run.stderr}`.trim().split('\n').slice(-20).join('\n');

/** The run, or an error with its output if the tool failed: a non-zero exit code. */
function succeeded(tool: KafkaToolName, args: readonly string[], run: KafkaToolRun): KafkaToolRun {
  if (run.code !== 0) {
    throw new Error(`kafka-${tool} ${args.join(' ')} failed (exit code ${run.code}):\n${tail(run)}`);
  }
  return run;
}

/**
 * A folder of `kafka-<tool>.sh` scripts, as a Kafka distribution's `bin/` has them, that run the tools on the
 * project's jars: for scripts written for the `apache/kafka` image (the deployment's topics script).
 */
export async function kafkaBinDir(dir: string): Promise<string> {
  const jars = await ensureKafkaToolsJars();
  for (const [name, mainClass] of Object.entries(KAFKA_TOOLS)) {
    const args = kafkaToolJavaArgs(jars, mainClass, []).map((a) => `'${a}'`);
    await writeFile(join(dir, `kafka-${name}.sh`), `#!/bin/sh\nexec java ${args.join(' ')} "$@"\n`, { mode: 0o755 });
  }
  return dir;
}

/** Any tool, e.g. `kafka-configs` to create SCRAM users; throws with its output unless it exits 0. */
export async function runKafkaToolOrThrow(
  brokers: string | undefined,
  tool: KafkaToolName,
  args: readonly string[],
  options: KafkaToolOptions = {},
): Promise<string> {
  return succeeded(tool, args, await runKafkaTool(brokers, tool, args, options)).stdout;
}

async function consumerGroups(brokers: string | undefined, args: string[]): Promise<string> {
  const run = succeeded('consumer-groups', args, await runKafkaTool(brokers, 'consumer-groups', args));
  // It exits 0 on a failure it reports (`Error: … GroupIdNotFoundException: Group g not found.`).
  if (/^Error: /m.test(run.stdout)) throw new Error(`kafka-consumer-groups ${args.join(' ')} failed:\n${tail(run)}`);
  return run.stdout;
}

// --- kafka-topics --describe ----------------------------------------------------------------------------------------

export interface TopicDescription {
  topic: string;
  partitionCount: number;
  replicationFactor: number;
  configs: Record<string, string>;
  partitions: { partition: number; leader: number | null; replicas: number[]; isr: number[]; offline: number[] }[];
}

const ids = (cell: string | undefined) => (cell ?? '').split(',').filter(Boolean).map(Number);

/** Parses `kafka-topics --describe` for one topic: its header line and one line per partition. */
export function parseTopicDescription(output: string): TopicDescription {
  const header = /Topic: (\S+)\s+TopicId: \S+\s+PartitionCount: (\d+)\s+ReplicationFactor: (\d+)\s+Configs: ?(.*)/.exec(
    output,
  );
  if (!header) throw new Error(`no topic description in:\n${output}`);
  const configs = Object.fromEntries(
    (header[4] ?? '')
      .split(',')
      .filter((c) => c.includes('='))
      .map((c) => [c.slice(0, c.indexOf('=')).trim(), c.slice(c.indexOf('=') + 1).trim()]),
  );
  const partitions = [
    ...output.matchAll(
      /Partition: (\d+)\s+Leader: (\S+)\s+Replicas: ([\d,]*)\s+Isr: ([\d,]*)(?:.*?Offline: ([\d,]*))?/g,
    ),
  ].map((m) => ({
    partition: Number(m[1]),
    leader: /^\d+$/.test(m[2] ?? '') ? Number(m[2]) : null,
    replicas: ids(m[3]),
    isr: ids(m[4]),
    offline: ids(m[5]),
  }));
  return {
    topic: header[1] ?? '',
    partitionCount: Number(header[2]),
    replicationFactor: Number(header[3]),
    configs,
    partitions,
  };
}

/** `kafka-topics --describe --topic <topic>`: factor, configs, and each partition's leader, replicas and ISR. */
export async function describeTopic(brokers: string | undefined, topic: string): Promise<TopicDescription> {
  return parseTopicDescription(await runKafkaToolOrThrow(brokers, 'topics', ['--describe', '--topic', topic]));
}

/** The active controller (the metadata quorum's leader), as `kafka-metadata-quorum describe --status` prints it. */
export async function quorumLeader(brokers: string | undefined): Promise<number> {
  const status = await runKafkaToolOrThrow(brokers, 'metadata-quorum', ['describe', '--status']);
  const leader = /^LeaderId:\s+(\d+)/m.exec(status)?.[1];
  if (leader === undefined) throw new Error(`no LeaderId in:\n${status}`);
  return Number(leader);
}

// --- kafka-consumer-groups --describe ------------------------------------------------------------------------------

/**
 * The rows of the table whose header names `columns` (in order), each cell trimmed, `-` and empty → null. Cells are
 * split at whitespace when a row has one token per column, else cut at the header's column positions (a cell with a
 * space, like the coordinator's `host:port  (id)`).
 */
function parseToolTable(output: string, columns: readonly string[]): (string | null)[][] {
  const lines = output.split('\n');
  const headerIndex = lines.findIndex((line) => {
    const tokens = line.trim().split(/\s+/);
    return tokens[0] === columns[0] && columns.every((c) => line.includes(c));
  });
  if (headerIndex < 0) throw new Error(`no table with the columns ${columns.join(' ')} in:\n${output}`);
  const header = lines[headerIndex] ?? '';
  const starts: number[] = [];
  for (const column of columns) starts.push(header.indexOf(column, starts.at(-1) ?? 0));
  const rows: (string | null)[][] = [];
  for (const line of lines.slice(headerIndex + 1)) {
    if (!line.trim()) break;
    const tokens = line.trim().split(/\s+/);
    const cells =
      tokens.length === columns.length
        ? tokens
        : starts.map((start, i) => line.slice(start, i + 1 < starts.length ? starts[i + 1] : undefined).trim());
    rows.push(cells.map((cell) => (cell === '-' || cell === '' ? null : cell)));
  }
  return rows;
}

const int = (cell: string | null | undefined): number | null => (cell == null ? null : Number(cell));

/** `t1:0,1,2;t2:0` → `{ t1: [0, 1, 2], t2: [0] }` (kafka-consumer-groups' assignment cell; topic names have no `:`). */
export function parseAssignment(cell: string | null | undefined): Record<string, number[]> {
  const assignment: Record<string, number[]> = {};
  for (const part of (cell ?? '').split(';').filter(Boolean)) {
    const colon = part.lastIndexOf(':');
    const topic = part.slice(0, colon);
    const partitions = part
      .slice(colon + 1)
      .split(',')
      .filter(Boolean)
      .map(Number);
    assignment[topic] = [...(assignment[topic] ?? []), ...partitions].sort((a, b) => a - b);
  }
  return assignment;
}

export interface GroupPartitionRow {
  group: string;
  /** null on the row of a member that has no partitions. */
  topic: string | null;
  partition: number | null;
  /** The committed offset; null when the group has none for the partition. */
  currentOffset: number | null;
  logEndOffset: number | null;
  lag: number | null;
  /** The member the partition is assigned to; null when none is. */
  consumerId: string | null;
  host: string | null;
  clientId: string | null;
}

const OFFSET_COLUMNS = [
  'GROUP',
  'TOPIC',
  'PARTITION',
  'CURRENT-OFFSET',
  'LOG-END-OFFSET',
  'LAG',
  'CONSUMER-ID',
  'HOST',
  'CLIENT-ID',
] as const;

export function parseGroupPartitions(output: string): GroupPartitionRow[] {
  return parseToolTable(output, OFFSET_COLUMNS).map(
    ([group, topic, partition, currentOffset, logEndOffset, lag, consumerId, host, clientId]) => ({
      group: group ?? '',
      topic: topic ?? null,
      partition: int(partition),
      currentOffset: int(currentOffset),
      logEndOffset: int(logEndOffset),
      lag: int(lag),
      consumerId: consumerId ?? null,
      host: host ?? null,
      clientId: clientId ?? null,
    }),
  );
}

/** `kafka-consumer-groups --describe --group <group>`: one row per partition with committed offsets or an owner. */
export async function describeGroup(brokers: string | undefined, group: string): Promise<GroupPartitionRow[]> {
  return parseGroupPartitions(await consumerGroups(brokers, ['--describe', '--group', group]));
}

export interface GroupMember {
  group: string;
  consumerId: string;
  host: string | null;
  clientId: string | null;
  /** Number of partitions assigned. */
  partitions: number;
  /** Member epoch (consumer-protocol groups, KIP-848); null in a classic group. */
  currentEpoch: number | null;
  /** topic → partitions, sorted. */
  assignment: Record<string, number[]>;
  targetEpoch: number | null;
  /** What the coordinator is moving the member to (KIP-848 groups); null in a classic group. */
  targetAssignment: Record<string, number[]> | null;
}

const MEMBER_COLUMNS = [
  'GROUP',
  'CONSUMER-ID',
  'HOST',
  'CLIENT-ID',
  '#PARTITIONS',
  'CURRENT-EPOCH',
  'CURRENT-ASSIGNMENT',
  'TARGET-EPOCH',
  'TARGET-ASSIGNMENT',
] as const;

export function parseGroupMembers(output: string): GroupMember[] {
  return parseToolTable(output, MEMBER_COLUMNS).map(
    ([group, consumerId, host, clientId, partitions, currentEpoch, assignment, targetEpoch, targetAssignment]) => ({
      group: group ?? '',
      consumerId: consumerId ?? '',
      host: host ?? null,
      clientId: clientId ?? null,
      partitions: int(partitions) ?? 0,
      currentEpoch: int(currentEpoch),
      assignment: parseAssignment(assignment),
      targetEpoch: int(targetEpoch),
      targetAssignment: targetAssignment == null ? null : parseAssignment(targetAssignment),
    }),
  );
}

/** `kafka-consumer-groups --describe --group <group> --members --verbose`: the active members and their partitions. */
export async function describeMembers(brokers: string | undefined, group: string): Promise<GroupMember[]> {
  return parseGroupMembers(await consumerGroups(brokers, ['--describe', '--group', group, '--members', '--verbose']));
}

export interface GroupState {
  group: string;
  /** `host:port` of the group coordinator. */
  coordinator: string | null;
  coordinatorId: number | null;
  /** The classic protocol's chosen assignor (`range`, `roundrobin`, `cooperative-sticky`, …) or the KIP-848 one (`uniform`); null when empty. */
  assignmentStrategy: string | null;
  /** `Stable`, `PreparingRebalance`, `CompletingRebalance`, `Empty`, `Dead`, `Assigning`, `Reconciling`. */
  state: string;
  members: number;
}

const STATE_COLUMNS = ['GROUP', 'COORDINATOR (ID)', 'ASSIGNMENT-STRATEGY', 'STATE', '#MEMBERS'] as const;

export function parseGroupState(output: string): GroupState {
  const [row] = parseToolTable(output, STATE_COLUMNS);
  if (!row) throw new Error(`no group state in:\n${output}`);
  const [group, coordinator, assignmentStrategy, state, members] = row;
  const match = /^(\S+)\s*\((\d+)\)$/.exec(coordinator ?? '');
  return {
    group: group ?? '',
    coordinator: match?.[1] ?? coordinator ?? null,
    coordinatorId: int(match?.[2]),
    assignmentStrategy: assignmentStrategy ?? null,
    state: state ?? '',
    members: int(members) ?? 0,
  };
}

/** `kafka-consumer-groups --describe --group <group> --state`. */
export async function describeGroupState(brokers: string | undefined, group: string): Promise<GroupState> {
  return parseGroupState(await consumerGroups(brokers, ['--describe', '--group', group, '--state']));
}

// --- console producer and consumer ---------------------------------------------------------------------------------

// Control characters as separators: they never occur in the tests' keys, values and headers (checked on produce).
const FIELD = '\u001f'; // between partition, offset, headers, key, value
const RECORD = '\u001e'; // after each record (the consumer); between headers and key (the producer)
const HEADER = '\u001d'; // between headers
const HEADER_KEY = '\u001c'; // between a header's key and value (the producer; the consumer prints `:`)
const NULL = '\u0015'; // a null key/value/headers

/** The console consumer's output options (Kafka 4.3 spells them --formatter-property; --property is deprecated). */
const FORMATTER_ARGS = [
  ...['print.partition=true', 'print.offset=true', 'print.headers=true', 'print.key=true', 'print.value=true'],
  `key.separator=${FIELD}`,
  `headers.separator=${HEADER}`,
  `line.separator=${RECORD}`,
  `null.literal=${NULL}`,
].flatMap((property) => ['--formatter-property', property]);

export interface ConsoleRecord {
  partition: number;
  offset: number;
  key: string | null;
  value: string | null;
  /** Header key → value (a null value reads as ''; of a repeated key, the last). */
  headers: Record<string, string>;
}

/** One record as the console consumer printed it with FORMATTER_ARGS (its trailing RECORD separator removed). */
export function parseConsoleRecord(text: string): ConsoleRecord {
  const [partition = '', offset = '', headers = '', key = '', ...value] = text.split(FIELD);
  if (!partition.startsWith('Partition:') || !offset.startsWith('Offset:') || value.length === 0) {
    throw new Error(`not a console consumer record: ${JSON.stringify(text)}`);
  }
  const headerMap: Record<string, string> = {};
  if (headers !== 'NO_HEADERS') {
    for (const header of headers.split(HEADER)) {
      const colon = header.indexOf(':'); // the formatter's own key:value separator
      if (colon < 0) headerMap[header] = '';
      else headerMap[header.slice(0, colon)] = header.slice(colon + 1);
    }
  }
  const joined = value.join(FIELD);
  return {
    partition: Number(partition.slice('Partition:'.length)),
    offset: Number(offset.slice('Offset:'.length)),
    key: key === NULL ? null : key,
    value: joined === NULL ? null : joined,
    headers: headerMap,
  };
}

function consumerArgs(options: {
  topic: string;
  group?: string;
  fromBeginning?: boolean;
  consumerProperties?: Record<string, string>;
}): string[] {
  return [
    '--topic',
    options.topic,
    ...(options.group ? ['--group', options.group] : []),
    ...(options.fromBeginning === false ? [] : ['--from-beginning']),
    // --command-property is 4.3's spelling of the deprecated --consumer-property.
    ...Object.entries(options.consumerProperties ?? {}).flatMap(([k, v]) => ['--command-property', `${k}=${v}`]),
    ...FORMATTER_ARGS,
  ];
}

export interface ConsumeOptions {
  topic: string;
  /** Exits after this many records. */
  maxMessages: number;
  /** Exits when no record came for this long (the console consumer's --timeout-ms, group join included); default 15 s. */
  timeoutMs?: number;
  /** Default: none (the tool makes a throwaway group and commits nothing). */
  group?: string;
  /** Default true: from the earliest offset unless the group has committed ones. */
  fromBeginning?: boolean;
  consumerProperties?: Record<string, string>;
  /** A client properties file for a secured listener (see KafkaToolOptions). */
  commandConfig?: string;
}

/** Reads up to `maxMessages` records with the console consumer (fewer if none came for `timeoutMs`). */
export async function consumeWithConsoleConsumer(
  brokers: string | undefined,
  options: ConsumeOptions,
): Promise<ConsoleRecord[]> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const args = [
    ...consumerArgs(options),
    '--max-messages',
    String(options.maxMessages),
    '--timeout-ms',
    String(timeoutMs),
  ];
  const run = succeeded(
    'console-consumer',
    args,
    await runKafkaTool(brokers, 'console-consumer', args, {
      timeoutMs: timeoutMs + 60_000,
      commandConfig: options.commandConfig,
    }),
  );
  return run.stdout
    .split(RECORD)
    .filter((text) => text !== '')
    .map(parseConsoleRecord);
}

export interface ProducedRecord {
  /** Default: no key (the producer's sticky partitioner picks the partition). */
  key?: string;
  value: string;
  headers?: Record<string, string>;
}

const UNPRODUCIBLE = new Set(['\r', '\n', FIELD, RECORD, HEADER, HEADER_KEY, NULL]);

function checkProducible(text: string, what: string): string {
  if ([...text].some((char) => UNPRODUCIBLE.has(char))) {
    throw new Error(
      `the console producer cannot send ${what} ${JSON.stringify(text)}: no line breaks or \\u001c-\\u001f, \\u0015`,
    );
  }
  return text;
}

/** Writes `records` in order with the console producer (acks=all), one per line; resolves when the producer has exited. */
export async function produceWithConsoleProducer(
  brokers: string | undefined,
  topic: string,
  records: readonly ProducedRecord[],
  producerProperties: Record<string, string> = {},
): Promise<void> {
  const lines = records.map(({ key, value, headers = {} }) => {
    const headerText = Object.entries(headers)
      .map(([k, v]) => `${checkProducible(k, 'the header key')}${HEADER_KEY}${checkProducible(v, 'the header value')}`)
      .join(HEADER);
    const keyText = key === undefined ? NULL : checkProducible(key, 'the key');
    return `${headerText || NULL}${RECORD}${keyText}${FIELD}${checkProducible(value, 'the value')}\n`;
  });
  const args = [
    '--topic',
    topic,
    '--request-required-acks',
    'all',
    // A missing topic fails in 20 s, not the default 60.
    '--max-block-ms',
    '20000',
    ...Object.entries(producerProperties).flatMap(([k, v]) => ['--command-property', `${k}=${v}`]),
    ...[
      'parse.key=true',
      'parse.headers=true',
      `key.separator=${FIELD}`,
      `headers.delimiter=${RECORD}`,
      `headers.separator=${HEADER}`,
      `headers.key.separator=${HEADER_KEY}`,
      `null.marker=${NULL}`,
    ].flatMap((property) => ['--reader-property', property]),
  ];
  const run = succeeded(
    'console-producer',
    args,
    await runKafkaTool(brokers, 'console-producer', args, { input: lines.join('') }),
  );
  // A failed send is logged, not reflected in the exit code.
  if (/\bERROR\b|Exception/.test(run.stderr)) {
    throw new Error(`kafka-console-producer --topic ${topic} reported errors:\n${tail(run)}`);
  }
}

export interface ConsoleConsumerOptions {
  topic: string;
  group: string;
  /** e.g. `{ 'partition.assignment.strategy': 'org.apache.kafka.clients.consumer.RoundRobinAssignor' }`; default: Java's own. */
  consumerProperties?: Record<string, string>;
  /** Default true. */
  fromBeginning?: boolean;
  /**
   * Logger levels; default `org.apache.kafka.clients.consumer` at info, its config dump left out. The classic protocol
   * (Java's default) then logs `Successfully joined group with generation Generation{…, memberId='…', protocol='range'}`,
   * `Adding newly assigned partitions: [t-0, t-1]`, `Assigned partition t-1 for non-subscribed topic; subscription is
   * [...]`, `Request joining group due to: …`; `group.protocol=consumer` (KIP-848) logs `Reconciling assignment …`
   * followed by a line `\tAssigned partitions: [t-0, t-1]` instead.
   */
  logLevels?: Record<string, string>;
}

export interface ConsoleConsumerMember {
  /** The records read so far. */
  readonly records: readonly ConsoleRecord[];
  /** Its log so far (stderr lines: slf4j-simple's `[thread] LEVEL logger - message`, and the tool's own notes). */
  readonly log: readonly string[];
  /** The exit code once it has exited (143: stopped by SIGTERM), else undefined. */
  readonly exitCode: number | null | undefined;
  /** Resolves with the records once at least `count` arrived; rejects on timeout or exit. */
  waitForRecords(count: number, timeoutMs?: number): Promise<ConsoleRecord[]>;
  /** Resolves with the first log line matching `pattern` (already logged or yet to come); rejects on timeout or exit. */
  waitForLog(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** SIGTERM (it leaves its group), SIGKILL after 20 s; resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** A console consumer in `group` that keeps running (a group member) until stop(). */
export async function startConsoleConsumer(
  brokers: string | undefined,
  options: ConsoleConsumerOptions,
): Promise<ConsoleConsumerMember> {
  const jars = await ensureKafkaToolsJars();
  const logLevels = options.logLevels ?? {
    'org.apache.kafka.clients.consumer': 'info',
    'org.apache.kafka.clients.consumer.ConsumerConfig': 'warn',
  };
  const args = ['--bootstrap-server', brokersOr(brokers), ...consumerArgs(options)];
  const child = spawn(
    'java',
    kafkaToolJavaArgs(jars, KAFKA_TOOLS['console-consumer'], args, kafkaToolJvmOptions(logLevels)),
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const records: ConsoleRecord[] = [];
  const log: string[] = [];
  let exitCode: number | null | undefined;
  const orphanGuard = () => child.kill('SIGKILL');
  process.once('exit', orphanGuard);
  const exited = new Promise<number | null>((resolve) => {
    child.on('close', (code, signal) => {
      exitCode = code ?? (signal ? 128 + (constants.signals[signal] ?? 0) : null);
      process.removeListener('exit', orphanGuard);
      resolve(exitCode);
    });
  });
  child.on('error', (error) => log.push(`spawn error: ${error.message}`));
  child.stdout.setEncoding('utf8');
  let pending = '';
  child.stdout.on('data', (chunk: string) => {
    const parts = (pending + chunk).split(RECORD);
    pending = parts.pop() ?? '';
    for (const part of parts) {
      try {
        records.push(parseConsoleRecord(part));
      } catch (error) {
        log.push(`unparsed output: ${(error as Error).message}`);
      }
    }
  });
  child.stderr.setEncoding('utf8');
  let pendingLog = '';
  child.stderr.on('data', (chunk: string) => {
    const lines = (pendingLog + chunk).split('\n');
    pendingLog = lines.pop() ?? '';
    log.push(...lines);
  });

  const waitUntil = async <T>(what: () => string, check: () => T | undefined, timeoutMs: number): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = check();
      if (found !== undefined) return found;
      if (exitCode !== undefined) {
        throw new Error(
          `the console consumer exited (code ${exitCode}) before ${what()}:\n${log.slice(-20).join('\n')}`,
        );
      }
      if (Date.now() > deadline) {
        throw new Error(
          `no ${what()} within ${timeoutMs} ms; the console consumer's log:\n${log.slice(-20).join('\n')}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };

  return {
    records,
    log,
    get exitCode() {
      return exitCode;
    },
    waitForRecords: (count, timeoutMs = 30_000) =>
      waitUntil(
        () => `${count} records (got ${records.length})`,
        () => (records.length >= count ? [...records] : undefined),
        timeoutMs,
      ),
    waitForLog: (pattern, timeoutMs = 30_000) =>
      waitUntil(
        () => `a log line matching ${pattern}`,
        () => log.find((line) => pattern.test(line)),
        timeoutMs,
      ),
    async stop() {
      if (exitCode !== undefined) return exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
