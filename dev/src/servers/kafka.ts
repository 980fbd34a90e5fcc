import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseBrokerList } from '@metalmart/contracts/kafka-connection';
import { Admin } from '@platformatic/kafka';
import { isListening, waitFor } from '../ports.ts';
import { pipeLines } from '../processes.ts';
import { repoRoot } from '../settings.ts';

const pom = join(repoRoot, 'dev', 'kafka', 'pom.xml');
const propertiesTemplate = join(repoRoot, 'dev', 'kafka', 'server.properties');

export interface RunningKafka {
  /** The bootstrap list, comma-separated. */
  brokers: string;
  /** The nodes started here (none for a cluster reused, not started, here). */
  nodes: KafkaNode[];
  stop(): Promise<void>;
}

function requireTool(command: string, args: string[], what: string): string {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.error || result.status !== 0) {
    throw new Error(
      `${what} is needed to run the local Kafka broker but \`${command}\` was not found. ` +
        'Install it (Debian: `apt-get install openjdk-17-jre-headless maven`), ' +
        'or set KAFKA_BROKERS to use an existing Kafka cluster.',
    );
  }
  return `${result.stdout}${result.stderr}`;
}

function checkJava(): void {
  const output = requireTool('java', ['-version'], 'Java 17 or newer');
  const major = Number(/version "(\d+)/.exec(output)?.[1] ?? 0);
  if (major < 17) throw new Error(`Kafka 4 needs Java 17 or newer; found: ${output.split('\n')[0]}`);
}

/**
 * Resolves the broker's jars from Maven Central into `libDir` (default `<dataDir>/kafka-lib`; once, and again
 * when the pom changes).
 */
export async function ensureKafkaJars(
  dataDir: string,
  log: (line: string) => void,
  libDir = join(dataDir, 'kafka-lib'),
): Promise<string> {
  checkJava();
  const stampFile = join(libDir, '.pom-sha256');
  const pomHash = createHash('sha256').update(readFileSync(pom)).digest('hex');
  if (existsSync(stampFile) && (await readFile(stampFile, 'utf8')) === pomHash) return libDir;
  requireTool('mvn', ['-v'], 'Apache Maven');
  log('resolving the Kafka broker jars from Maven Central (first run only)…');
  await mkdir(libDir, { recursive: true });
  const mvn = spawn(
    'mvn',
    ['-B', '-f', pom, 'dependency:copy-dependencies', '-DincludeScope=runtime', `-DoutputDirectory=${libDir}`],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  pipeLines(mvn, (line) => {
    if (/Downloaded|ERROR|BUILD/.test(line)) log(line);
  });
  const code = await new Promise<number | null>((resolve) => mvn.on('close', resolve));
  if (code !== 0) throw new Error(`mvn could not resolve the Kafka jars (exit code ${code}); see the log above`);
  await writeFile(stampFile, pomHash);
  return libDir;
}

/** How many brokers answer a metadata request on `brokers` (0 when none does). */
async function brokersAnswering(brokers: string): Promise<number> {
  const admin = new Admin({
    clientId: 'metalmart-dev-probe',
    bootstrapBrokers: parseBrokerList(brokers),
    retries: 0,
    timeout: 2000,
  });
  try {
    return (await admin.metadata({ topics: [] })).brokers.size;
  } catch {
    return 0;
  } finally {
    await admin.close().catch(() => {});
  }
}

/** Node `id` (1-based) of a local cluster: each node's broker and controller ports follow the first node's by 2. */
export function kafkaNodePorts(first: { port: number; controllerPort: number }, id: number) {
  return { port: first.port + 2 * (id - 1), controllerPort: first.controllerPort + 2 * (id - 1) };
}

/** One broker+controller JVM of the local cluster; the watchdog and the fault tests stop and start it. */
export interface KafkaNode {
  id: number;
  port: number;
  /** The JVM's pid while it runs. */
  readonly pid: number | undefined;
  readonly running: boolean;
  /** Starts it again on the same storage (after a crash, a kill -9 or stop()); waits until its port accepts. */
  start(): Promise<void>;
  /** SIGTERM (a controlled shutdown), SIGKILL after 30 s. */
  stop(): Promise<void>;
  signal(name: NodeJS.Signals): void;
}

export interface StartKafkaOptions {
  dataDir: string;
  port: number;
  controllerPort: number;
  /** KAFKA_NODES: 1 (default) or a quorum of 3 or 5, each node a broker and a controller. */
  nodes?: number;
  log: (line: string) => void;
  /** Data dir whose `kafka-lib` holds the jars (default `dataDir`): a test's throwaway broker shares the project's. */
  jarsDataDir?: string;
  /** The jars folder itself (METALMART_KAFKA_JARS_DIR); wins over `jarsDataDir`. */
  jarsDir?: string;
  /** Broker properties that replace the template's or add to them (a test's SASL_SSL listener). */
  overrides?: Record<string, string>;
}

/**
 * Starts a real Apache Kafka on the machine's Java, KRaft combined mode: one node under `<dataDir>/kafka`, or
 * a cluster of `nodes` under `<dataDir>/kafka-<n>-nodes` (a static quorum of all of them; internal and new topics
 * at factor 3, min ISR 2). Reuses a cluster already answering on the first port.
 */
export async function startKafka(opts: StartKafkaOptions): Promise<RunningKafka> {
  const count = opts.nodes ?? 1;
  const ports = Array.from({ length: count }, (_, i) => ({ id: i + 1, ...kafkaNodePorts(opts, i + 1) }));
  const brokers = ports.map((p) => `127.0.0.1:${p.port}`).join(',');
  if (await isListening(opts.port)) {
    const answering = await brokersAnswering(brokers);
    if (answering === 0) {
      throw new Error(
        `port ${opts.port} is in use by something that is not a Kafka broker; free it or set METALMART_KAFKA_PORT`,
      );
    }
    if (answering !== count) {
      throw new Error(
        `a Kafka cluster of ${answering} broker(s) already runs on port ${opts.port}, not the ${count} KAFKA_NODES asks ` +
          'for; stop it (or set METALMART_KAFKA_PORT)',
      );
    }
    opts.log(`reusing the Kafka cluster already running on ${brokers}`);
    return { brokers, nodes: [], stop: async () => {} };
  }
  const libDir = await ensureKafkaJars(opts.jarsDataDir ?? opts.dataDir, opts.log, opts.jarsDir);
  const clusterDir = join(opts.dataDir, count === 1 ? 'kafka' : `kafka-${count}-nodes`);
  await mkdir(clusterDir, { recursive: true });
  const clusterIdFile = join(clusterDir, 'cluster-id');
  if (!existsSync(clusterIdFile)) await writeFile(clusterIdFile, randomClusterId());
  const clusterId = (await readFile(clusterIdFile, 'utf8')).trim();
  const voters = ports.map((p) => `${p.id}@127.0.0.1:${p.controllerPort}`).join(',');
  const nodes: KafkaNode[] = [];
  for (const p of ports) {
    const dir = count === 1 ? clusterDir : join(clusterDir, `node${p.id}`);
    const log = count === 1 ? opts.log : (line: string) => opts.log(`node ${p.id}: ${line}`);
    const quorum =
      count === 1
        ? `controller.quorum.bootstrap.servers=127.0.0.1:${p.controllerPort}`
        : `controller.quorum.voters=${voters}`;
    const overrides = opts.overrides ?? {};
    nodes.push(
      await prepareNode({ ...p, dir, log, libDir, clusterId, quorum, standalone: count === 1, count, overrides }),
    );
  }
  const started = await Promise.allSettled(nodes.map((n) => n.start()));
  const failed = started.find((r) => r.status === 'rejected');
  const stop = async () => {
    await Promise.all(nodes.map((n) => n.stop()));
  };
  try {
    if (failed) throw failed.reason;
    await waitFor(
      `${count === 1 ? 'the Kafka broker' : `all ${count} Kafka brokers`} on ${brokers}`,
      async () => (await brokersAnswering(brokers)) === count,
      120_000,
      () => nodes.every((n) => n.running),
    );
  } catch (error) {
    for (const n of nodes) n.signal('SIGKILL');
    await stop();
    throw new Error(`Kafka did not start: ${(error as Error).message}. Its logs are in ${clusterDir}`);
  }
  return { brokers, nodes, stop };
}

async function prepareNode(node: {
  id: number;
  port: number;
  controllerPort: number;
  dir: string;
  log: (line: string) => void;
  libDir: string;
  clusterId: string;
  quorum: string;
  standalone: boolean;
  count: number;
  overrides: Record<string, string>;
}): Promise<KafkaNode> {
  const logDir = join(node.dir, 'data');
  await mkdir(join(node.dir, 'logs'), { recursive: true });
  const replicationFactor = Math.min(3, node.count);
  // Overrides first, so that they may use the placeholders too (`SASL_SSL://127.0.0.1:…,PLAINTEXT://…:@port@`).
  const properties = (await readFile(propertiesTemplate, 'utf8'))
    .split('\n')
    .filter((line) => !Object.hasOwn(node.overrides, line.split('=')[0] ?? ''))
    .concat(Object.entries(node.overrides).map(([name, value]) => `${name}=${value}`))
    .join('\n')
    .replaceAll('@nodeId@', String(node.id))
    .replaceAll('@quorum@', node.quorum)
    .replaceAll('@port@', String(node.port))
    .replaceAll('@controllerPort@', String(node.controllerPort))
    .replaceAll('@logDir@', logDir)
    .replaceAll('@replicationFactor@', String(replicationFactor))
    .replaceAll('@minInsync@', String(replicationFactor >= 3 ? 2 : 1));
  const propertiesFile = join(node.dir, 'server.properties');
  await writeFile(propertiesFile, properties);
  // Three JVMs share two cores and the services: each gets less heap than a lone broker.
  const heap = node.count === 1 ? ['-Xms256m', '-Xmx768m'] : ['-Xms128m', '-Xmx512m'];
  const java = (mainClass: string, args: string[], jvm: string[] = []) =>
    spawn(
      'java',
      [
        ...jvm,
        `-Dkafka.logs.dir=${join(node.dir, 'logs')}`,
        // Console shows warnings and errors only; the broker is chatty at INFO.
        '-Dorg.slf4j.simpleLogger.defaultLogLevel=warn',
        '-cp',
        `${node.libDir}/*`,
        mainClass,
        ...args,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );

  if (!existsSync(join(logDir, 'meta.properties'))) {
    node.log(`formatting new KRaft storage in ${logDir}`);
    const format = java('kafka.tools.StorageTool', [
      'format',
      ...(node.standalone ? ['--standalone'] : []),
      '--ignore-formatted',
      '--cluster-id',
      node.clusterId,
      '--config',
      propertiesFile,
    ]);
    const output: string[] = [];
    pipeLines(format, (line) => {
      output.push(line);
      node.log(line);
    });
    const code = await new Promise<number | null>((resolve) => format.on('close', resolve));
    if (code !== 0) {
      throw new Error(`formatting Kafka storage failed (exit code ${code}):\n${output.slice(-15).join('\n')}`);
    }
  }

  let broker: ChildProcess | undefined;
  let exited: Promise<unknown> = Promise.resolve();
  const isRunning = () => broker !== undefined && broker.exitCode === null && broker.signalCode === null;
  return {
    id: node.id,
    port: node.port,
    get pid() {
      return isRunning() ? broker?.pid : undefined;
    },
    get running() {
      return isRunning();
    },
    async start() {
      if (isRunning()) return;
      const child = java('kafka.Kafka', [propertiesFile], [...heap, '-XX:+UseG1GC']);
      broker = child;
      pipeLines(child, node.log);
      // Last resort if this process exits without stop() (a crash, process.exit): the JVM must not outlive it.
      // SIGTERM still runs the broker's controlled shutdown.
      const orphanGuard = () => child.kill('SIGTERM');
      process.once('exit', orphanGuard);
      exited = new Promise((resolve) => child.on('exit', resolve)).then(() =>
        process.removeListener('exit', orphanGuard),
      );
      await waitFor(`Kafka node ${node.id} on port ${node.port}`, () => isListening(node.port), 120_000, isRunning);
    },
    async stop() {
      if (!isRunning()) return;
      broker?.kill('SIGTERM'); // controlled shutdown: flushes logs, leaves storage consistent
      const timer = setTimeout(() => broker?.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
    },
    signal(name) {
      if (isRunning()) broker?.kill(name);
    },
  };
}

/**
 * A Kafka cluster id: 16 random bytes, URL-safe base64 without padding (what StorageTool random-uuid prints).
 * Never one starting with "-": the command line would read it as an option (Kafka's own Uuid avoids them too).
 */
export function randomClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}
