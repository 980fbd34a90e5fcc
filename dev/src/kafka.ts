import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Admin } from '@platformatic/kafka';
import { isListening, waitFor } from './ports.ts';
import { pipeLines } from './processes.ts';
import { repoRoot } from './settings.ts';

const pom = join(repoRoot, 'dev', 'kafka', 'pom.xml');
const propertiesTemplate = join(repoRoot, 'dev', 'kafka', 'server.properties');

export interface RunningKafka {
  brokers: string;
  /** The broker JVM's pid (undefined for a broker reused, not started, here). */
  pid?: number;
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

async function kafkaAnswers(brokers: string): Promise<boolean> {
  const admin = new Admin({ clientId: 'metalmart-dev-probe', bootstrapBrokers: [brokers], retries: 0, timeout: 2000 });
  try {
    await admin.metadata({ topics: [] });
    return true;
  } catch {
    return false;
  } finally {
    await admin.close().catch(() => {});
  }
}

/**
 * Starts a real single-node Apache Kafka broker (KRaft combined mode) on the machine's Java, data under
 * `<dataDir>/kafka`. Reuses a broker already answering on the port.
 */
export async function startKafka(opts: {
  dataDir: string;
  port: number;
  controllerPort: number;
  log: (line: string) => void;
  /** Data dir whose `kafka-lib` holds the jars (default `dataDir`): a test's throwaway broker shares the project's. */
  jarsDataDir?: string;
  /** The jars folder itself (METALMART_KAFKA_JARS_DIR); wins over `jarsDataDir`. */
  jarsDir?: string;
}): Promise<RunningKafka> {
  const brokers = `127.0.0.1:${opts.port}`;
  if (await isListening(opts.port)) {
    if (!(await kafkaAnswers(brokers))) {
      throw new Error(
        `port ${opts.port} is in use by something that is not a Kafka broker; free it or set METALMART_KAFKA_PORT`,
      );
    }
    opts.log(`reusing the Kafka broker already running on ${brokers}`);
    return { brokers, stop: async () => {} };
  }
  const libDir = await ensureKafkaJars(opts.jarsDataDir ?? opts.dataDir, opts.log, opts.jarsDir);
  const kafkaDir = join(opts.dataDir, 'kafka');
  const logDir = join(kafkaDir, 'data');
  await mkdir(join(kafkaDir, 'logs'), { recursive: true });
  const properties = (await readFile(propertiesTemplate, 'utf8'))
    .replaceAll('@port@', String(opts.port))
    .replaceAll('@controllerPort@', String(opts.controllerPort))
    .replaceAll('@logDir@', logDir);
  const propertiesFile = join(kafkaDir, 'server.properties');
  await writeFile(propertiesFile, properties);

  const java = (mainClass: string, args: string[], jvm: string[] = []) =>
    spawn(
      'java',
      [
        ...jvm,
        `-Dkafka.logs.dir=${join(kafkaDir, 'logs')}`,
        // Console shows warnings and errors only; the broker is chatty at INFO.
        '-Dorg.slf4j.simpleLogger.defaultLogLevel=warn',
        '-cp',
        `${libDir}/*`,
        mainClass,
        ...args,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );

  if (!existsSync(join(logDir, 'meta.properties'))) {
    opts.log(`formatting new KRaft storage in ${logDir}`);
    const format = java('kafka.tools.StorageTool', [
      'format',
      '--standalone',
      '--ignore-formatted',
      '--cluster-id',
      randomClusterId(),
      '--config',
      propertiesFile,
    ]);
    const output: string[] = [];
    pipeLines(format, (line) => {
      output.push(line);
      opts.log(line);
    });
    const code = await new Promise<number | null>((resolve) => format.on('close', resolve));
    if (code !== 0) {
      throw new Error(`formatting Kafka storage failed (exit code ${code}):\n${output.slice(-15).join('\n')}`);
    }
  }

  const broker = java('kafka.Kafka', [propertiesFile], ['-Xms256m', '-Xmx768m', '-XX:+UseG1GC']);
  pipeLines(broker, opts.log);
  // Last resort if this process exits without stop() (a crash, process.exit): the JVM must not outlive it.
  // SIGTERM still runs the broker's controlled shutdown.
  const orphanGuard = () => broker.kill('SIGTERM');
  process.once('exit', orphanGuard);
  const exited = new Promise<number | null>((resolve) => broker.on('exit', (code) => resolve(code)));
  let running = true;
  void exited.then(() => {
    running = false;
    process.removeListener('exit', orphanGuard);
  });
  try {
    await waitFor(
      `the Kafka broker on ${brokers}`,
      async () => (await isListening(opts.port)) && (await kafkaAnswers(brokers)),
      120_000,
      () => running,
    );
  } catch (error) {
    broker.kill('SIGKILL');
    throw new Error(`Kafka did not start: ${(error as Error).message}. Its log is in ${join(kafkaDir, 'logs')}`);
  }
  return {
    brokers,
    pid: broker.pid,
    stop: async () => {
      if (!running) return;
      broker.kill('SIGTERM'); // controlled shutdown: flushes logs, leaves storage consistent
      const timer = setTimeout(() => broker.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
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
