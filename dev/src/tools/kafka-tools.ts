// Kafka's own command-line tools (kafka-topics, kafka-consumer-groups, the console consumer and producer), run on the
// machine's Java like the broker: `org.apache.kafka:kafka-tools` at the broker's version, from Maven Central. The
// project's independent Kafka client for tests and demos (`npm run kafka`, tests/support/kafka-tools.ts).
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { KafkaConnection } from '@metalmart/contracts/kafka-connection';
import { pipeLines } from '../processes.ts';
import { ensureKafkaJars } from '../servers/kafka.ts';
import { readStackSettings, repoRoot, type StackSettings } from '../settings.ts';

const brokerPom = join(repoRoot, 'dev', 'kafka', 'pom.xml');
/** Its parent is the broker's pom: one `kafka.version` for both. */
const toolsPom = join(repoRoot, 'dev', 'kafka', 'tools-pom.xml');

/** The tools `npm run kafka` knows by name (also as `kafka-<name>`, `kafka-<name>.sh`), and their main classes. */
export const KAFKA_TOOLS = {
  topics: 'org.apache.kafka.tools.TopicCommand',
  'consumer-groups': 'org.apache.kafka.tools.consumer.group.ConsumerGroupCommand',
  'console-consumer': 'org.apache.kafka.tools.consumer.ConsoleConsumer',
  'console-producer': 'org.apache.kafka.tools.ConsoleProducer',
  configs: 'kafka.admin.ConfigCommand',
  'reassign-partitions': 'org.apache.kafka.tools.reassign.ReassignPartitionsCommand',
  'metadata-quorum': 'org.apache.kafka.tools.MetadataQuorumCommand',
  'broker-api-versions': 'org.apache.kafka.tools.BrokerApiVersionsCommand',
} as const;

/** A Java properties value: backslashes, line breaks and leading blanks escaped. */
const propertyValue = (value: string) => value.replaceAll('\\', '\\\\').replaceAll('\n', '\\n').replace(/^\s/, '\\$&');

/**
 * The Java client's settings for `connection` (what a tool reads from `--command-config`): the security
 * protocol, the CA and client certificate as inline PEM, the SASL mechanism and its JAAS line. Empty for
 * PLAINTEXT. Holds the password: write it to a file only this user reads.
 */
export function javaClientProperties(connection: KafkaConnection): string {
  const lines = [`security.protocol=${connection.securityProtocol}`];
  const { tls, sasl } = connection;
  if (connection.securityProtocol === 'PLAINTEXT') return '';
  if (tls?.ca) lines.push('ssl.truststore.type=PEM', `ssl.truststore.certificates=${propertyValue(String(tls.ca))}`);
  if (tls?.cert && tls.key) {
    lines.push(
      'ssl.keystore.type=PEM',
      `ssl.keystore.certificate.chain=${propertyValue(String(tls.cert))}`,
      `ssl.keystore.key=${propertyValue(String(tls.key))}`,
    );
  }
  if (sasl) {
    const module =
      sasl.mechanism === 'PLAIN'
        ? 'org.apache.kafka.common.security.plain.PlainLoginModule'
        : 'org.apache.kafka.common.security.scram.ScramLoginModule';
    const quoted = (v: string) => JSON.stringify(v);
    lines.push(
      `sasl.mechanism=${sasl.mechanism}`,
      `sasl.jaas.config=${propertyValue(`${module} required username=${quoted(sasl.username)} password=${quoted(sasl.password)};`)}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** The broker's (and so the tools') Kafka version: `kafka.version` of dev/kafka/pom.xml. */
export function kafkaVersion(): string {
  return /<kafka\.version>([^<]+)</.exec(readFileSync(brokerPom, 'utf8'))?.[1] ?? 'unknown';
}

export type KafkaToolName = keyof typeof KAFKA_TOOLS;

/** `topics`, `kafka-topics`, `kafka-topics.sh` → `topics`; anything else → undefined. */
export function kafkaToolName(name: string): KafkaToolName | undefined {
  const bare = name.replace(/\.sh$/, '').replace(/^kafka-/, '');
  return Object.hasOwn(KAFKA_TOOLS, bare) ? (bare as KafkaToolName) : undefined;
}

/**
 * The JVM options of a tool: a small heap and a fast start (C1 only, serial GC: a tool runs for seconds), and
 * warnings only from its logging (slf4j-simple, on the broker's classpath, writes to stderr). `logLevels` sets
 * single loggers, e.g. `{ 'org.apache.kafka.clients.consumer': 'info' }` for a consumer's group/assignment lines.
 */
export function kafkaToolJvmOptions(logLevels: Record<string, string> = {}): string[] {
  return [
    '-Xmx256m',
    '-XX:TieredStopAtLevel=1',
    '-XX:+UseSerialGC',
    '-Dorg.slf4j.simpleLogger.defaultLogLevel=warn',
    ...Object.entries(logLevels).map(([logger, level]) => `-Dorg.slf4j.simpleLogger.log.${logger}=${level}`),
  ];
}

export interface KafkaToolsClasspath {
  /** The broker's jars (METALMART_KAFKA_JARS_DIR, default `<dataDir>/kafka-lib`). */
  brokerLib: string;
  /** The tools' jars that the broker's folder lacks (beside it: `kafka-tools-lib`). */
  toolsLib: string;
  /** `java -cp` value: both folders. */
  classpath: string;
}

/** The argv of `java` running `mainClass` with `args` on the tools' classpath. */
export function kafkaToolJavaArgs(
  jars: KafkaToolsClasspath,
  mainClass: string,
  args: readonly string[],
  jvmOptions: readonly string[] = kafkaToolJvmOptions(),
): string[] {
  return [...jvmOptions, '-cp', jars.classpath, mainClass, ...args];
}

function requireForTools(command: string, args: string[], what: string): string {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.error || result.status !== 0) {
    throw new Error(
      `${what} is needed to run Kafka's command-line tools but \`${command}\` was not found; ` +
        'install it (Debian: `apt-get install openjdk-17-jre-headless maven`).',
    );
  }
  return `${result.stdout}${result.stderr}`;
}

/** `zstd-jni-1.5.6-10.jar` → `zstd-jni`, `kafka_2.13-4.3.1.jar` → `kafka_2.13`. */
export function artifactOfJar(file: string): string {
  return /^(.+?)-\d/.exec(file)?.[1] ?? file.replace(/\.jar$/, '');
}

const resolving = new Map<string, Promise<KafkaToolsClasspath>>();

/**
 * Resolves the tools' jars from Maven Central (once, and again when either pom changes) into `kafka-tools-lib`
 * beside the broker's jars, keeping only what the broker's folder lacks: the broker's classpath stays as it is
 * and a tool runs on both folders. Resolves the broker's jars first if they are missing (a KAFKA_BROKERS user may
 * never have started the local broker).
 */
export function ensureKafkaToolsJars(
  settings: Pick<StackSettings, 'dataDir' | 'kafkaJarsDir'> = readStackSettings(),
  log: (line: string) => void = (line) => process.stderr.write(`[kafka-tools] ${line}\n`),
): Promise<KafkaToolsClasspath> {
  const key = `${settings.dataDir}\0${settings.kafkaJarsDir}`;
  let pending = resolving.get(key);
  if (!pending) {
    pending = resolveToolsJars(settings, log);
    resolving.set(key, pending);
    pending.catch(() => resolving.delete(key));
  }
  return pending;
}

async function resolveToolsJars(
  settings: Pick<StackSettings, 'dataDir' | 'kafkaJarsDir'>,
  log: (line: string) => void,
): Promise<KafkaToolsClasspath> {
  requireForTools('java', ['-version'], 'Java 17 or newer');
  const brokerPomHash = createHash('sha256').update(readFileSync(brokerPom)).digest('hex');
  const brokerStamp = join(settings.kafkaJarsDir, '.pom-sha256');
  if (!existsSync(brokerStamp) || (await readFile(brokerStamp, 'utf8')) !== brokerPomHash) {
    requireForTools('mvn', ['-v'], 'Apache Maven'); // before ensureKafkaJars says so in the broker's words
  }
  const brokerLib = await ensureKafkaJars(settings.dataDir, log, settings.kafkaJarsDir);
  const toolsLib = join(dirname(brokerLib), 'kafka-tools-lib');
  const jars = { brokerLib, toolsLib, classpath: `${brokerLib}/*:${toolsLib}/*` };
  const stampFile = join(toolsLib, '.pom-sha256');
  const pomHash = createHash('sha256').update(readFileSync(brokerPom)).update(readFileSync(toolsPom)).digest('hex');
  if (existsSync(stampFile) && (await readFile(stampFile, 'utf8')) === pomHash) return jars;

  requireForTools('mvn', ['-v'], 'Apache Maven');
  log(`resolving Kafka's command-line tools (kafka-tools ${kafkaVersion()}) from Maven Central (first run only)…`);
  // Into a folder of this process's own, moved into place when complete: two test workers may race here.
  const staging = `${toolsLib}.staging-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  const mvn = spawn(
    'mvn',
    ['-B', '-f', toolsPom, 'dependency:copy-dependencies', '-DincludeScope=runtime', `-DoutputDirectory=${staging}`],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const output: string[] = [];
  pipeLines(mvn, (line) => {
    output.push(line);
    if (/\bERROR\b|BUILD FAILURE/.test(line)) log(line);
  });
  const code = await new Promise<number | null>((resolve) => mvn.on('close', resolve));
  if (code !== 0) {
    await rm(staging, { recursive: true, force: true });
    throw new Error(
      `mvn could not resolve Kafka's tools (exit code ${code}):\n${output.filter((l) => /ERROR/.test(l)).join('\n')}`,
    );
  }
  // The parent's dependencies are the broker's: drop every jar the broker's folder has, by artifact (the broker's
  // version wins, so the classpath never holds two versions of one library).
  const brokerArtifacts = new Set((await readdir(brokerLib)).filter((f) => f.endsWith('.jar')).map(artifactOfJar));
  const kept: string[] = [];
  for (const file of await readdir(staging)) {
    if (brokerArtifacts.has(artifactOfJar(file))) await rm(join(staging, file));
    else kept.push(file);
  }
  if (!kept.some((f) => f.startsWith('kafka-tools-'))) {
    await rm(staging, { recursive: true, force: true });
    throw new Error(`mvn resolved no kafka-tools jar into ${staging}; see ${toolsPom}`);
  }
  await writeFile(join(staging, '.pom-sha256'), pomHash);
  const stampMatches = async () => existsSync(stampFile) && (await readFile(stampFile, 'utf8')) === pomHash;
  // Never delete a folder another process may be running a tool from: move a stale one aside, then ours in.
  const stale = `${toolsLib}.stale-${process.pid}`;
  if (!(await stampMatches())) {
    if (existsSync(toolsLib)) await rename(toolsLib, stale).catch(() => {});
    await rename(staging, toolsLib).catch(() => {}); // fails when another process's copy got there first
  }
  await rm(staging, { recursive: true, force: true });
  await rm(stale, { recursive: true, force: true });
  if (!(await stampMatches())) throw new Error(`could not move Kafka's tool jars into ${toolsLib}`);
  log(`${kept.length} jars in ${toolsLib}; the tools also use the broker's ${brokerArtifacts.size} in ${brokerLib}`);
  return jars;
}
