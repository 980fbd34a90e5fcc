// A cluster that needs TLS and SASL, as managed services do: a real broker with a SASL_SSL listener (a test CA and
// a broker certificate made here with openssl; a SCRAM-SHA-512 user created with Kafka's own kafka-configs). The
// topics step, both services, `npm run kafka` and `npm run dlq` connect with the README's variables; orders ship;
// a wrong password gives one clear line naming the variable, and the service stays up instead of crash-looping.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kafkaConnectionFromEnv } from '@metalmart/contracts/kafka-connection';
import { ensureTopics } from '@metalmart/dev/servers/topics';
import { repoRoot } from '@metalmart/dev/settings';
import { javaClientProperties } from '@metalmart/dev/tools/kafka-tools';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { histories, placeOrders, statusCounts } from './support/fleet.ts';
import { createTestDatabase, uniqueName } from './support/infra.ts';
import { consumeWithConsoleConsumer, runKafkaToolOrThrow } from './support/kafka-tools.ts';
import { startPrivateKafka } from './support/private-kafka.ts';
import { freePort, type ServiceProcess, startOrderService, startProcessor, waitUntil } from './support/processes.ts';

let dir: string;
let kafka: Awaited<ReturnType<typeof startPrivateKafka>>;
let secureEnv: Record<string, string>;
let topic: string;
const running: ServiceProcess[] = [];

function openssl(...args: string[]) {
  const run = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${run.stderr}`);
}

/** A test CA, and a broker certificate it signed for 127.0.0.1 (key and chain in one PEM file, as Kafka reads it). */
async function makeCertificates() {
  openssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    '2',
    '-subj',
    '/CN=metalmart-test-ca',
  );
  openssl(
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'broker.key',
    '-out',
    'broker.csr',
    '-subj',
    '/CN=localhost',
  );
  await writeFile(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  openssl(
    'x509',
    '-req',
    '-in',
    'broker.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'broker.crt',
    '-days',
    '2',
    '-extfile',
    'san.ext',
  );
  const keystore =
    (await readFile(join(dir, 'broker.key'), 'utf8')) + (await readFile(join(dir, 'broker.crt'), 'utf8'));
  await writeFile(join(dir, 'broker-keystore.pem'), keystore);
}

function runCli(script: string, args: string[], env: Record<string, string>) {
  return new Promise<{ code: number | null; output: string }>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
      cwd: repoRoot,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c) => (output += c));
    child.stderr.on('data', (c) => (output += c));
    child.on('exit', (code) => resolve({ code, output }));
  });
}

/** An Order Service and a processor of their own (own database and group) with `env`'s Kafka settings. */
async function startPipeline(env: Record<string, string>, instance: string, ready = true) {
  const databaseUrl = await createTestDatabase();
  const kafkaBrokers = env.KAFKA_BROKERS as string;
  const orderService = await startOrderService({ databaseUrl, kafkaBrokers, topic, env });
  running.push(orderService);
  const processor = await startProcessor({
    kafkaBrokers,
    topic,
    groupId: uniqueName(instance),
    orderServiceUrl: orderService.url,
    instance,
    env,
    ready,
  });
  running.push(processor);
  return { databaseUrl, orderService, processor };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'metalmart-sasl-'));
  await makeCertificates();
  const securePort = await freePort();
  kafka = await startPrivateKafka({
    overrides: {
      listeners: `PLAINTEXT://127.0.0.1:@port@,CONTROLLER://127.0.0.1:@controllerPort@,SASL_SSL://127.0.0.1:${securePort}`,
      'advertised.listeners': `PLAINTEXT://127.0.0.1:@port@,SASL_SSL://127.0.0.1:${securePort}`,
      'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL_SSL:SASL_SSL',
      'sasl.enabled.mechanisms': 'SCRAM-SHA-512',
      'listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config':
        'org.apache.kafka.common.security.scram.ScramLoginModule required;',
      'ssl.keystore.type': 'PEM',
      'ssl.keystore.location': join(dir, 'broker-keystore.pem'),
    },
  });
  // The user, with Kafka's own kafka-configs on the plaintext listener (as an operator would).
  await runKafkaToolOrThrow(kafka.brokers, 'configs', [
    '--alter',
    '--add-config',
    'SCRAM-SHA-512=[iterations=4096,password=alice-secret]',
    '--entity-type',
    'users',
    '--entity-name',
    'alice',
  ]);
  secureEnv = {
    KAFKA_BROKERS: `127.0.0.1:${securePort}`,
    KAFKA_SECURITY_PROTOCOL: 'SASL_SSL',
    KAFKA_SSL_CA_FILE: join(dir, 'ca.pem'),
    KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
    KAFKA_SASL_USERNAME: 'alice',
    KAFKA_SASL_PASSWORD: 'alice-secret',
  };
  topic = uniqueName('sasl');
  // The topics step over SASL_SSL (the stack's own code path), retried while the new user propagates.
  await waitUntil('the topics created over SASL_SSL', async () => {
    await ensureTopics(kafkaConnectionFromEnv(secureEnv), { topic, partitions: 3 });
    return true;
  });
});
afterAll(async () => {
  await Promise.all(running.map((p) => p.stop()));
  await kafka?.destroy();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('a cluster that needs TLS and SASL (SASL_SSL, SCRAM-SHA-512)', () => {
  it('ships orders: both services connect with the README variables; the records are on the topic', async () => {
    const { databaseUrl, orderService } = await startPipeline(secureEnv, 'sasl');
    const ids = await placeOrders(orderService.url, 20);
    await waitUntil('20 orders shipped', async () => (await statusCounts(databaseUrl, ids)).shipped === ids.length);
    for (const statuses of (await histories(databaseUrl, ids)).values()) {
      expect(statuses).toEqual(['pending', 'processing', 'confirmed', 'shipped']);
    }
    // Kafka's console consumer over the same SASL_SSL listener, with the Java settings `npm run kafka` passes.
    const config = join(dir, 'client.properties');
    await writeFile(config, javaClientProperties(kafkaConnectionFromEnv(secureEnv)), { mode: 0o600 });
    const records = await consumeWithConsoleConsumer(secureEnv.KAFKA_BROKERS, {
      topic,
      maxMessages: 20,
      timeoutMs: 30_000,
      commandConfig: config,
    });
    expect(new Set(records.map((r) => r.key))).toEqual(new Set(ids));
  });

  it('runs npm run kafka and npm run dlq against it with the same variables', async () => {
    const described = await runCli('dev/src/cli/kafka-cli.ts', ['topics', '--describe', '--topic', topic], secureEnv);
    expect(described.code, described.output).toBe(0);
    expect(described.output).toMatch(new RegExp(`Topic: ${topic}\\s+TopicId: \\S+\\s+PartitionCount: 3`));
    const letters = await runCli('dev/src/cli/dlq-cli.ts', ['list'], { ...secureEnv, KAFKA_TOPIC: topic });
    expect(letters.code, letters.output).toBe(0);
    expect(letters.output).toContain(`no dead letters in ${topic}.dlq`);
  });

  it('says once, naming the variable, that the password was refused — and keeps running', async () => {
    const wrong: Record<string, string> = { ...secureEnv, KAFKA_SASL_PASSWORD: 'not-the-password' };
    // The processor cannot join its group: do not wait for it to be ready.
    const { orderService, processor } = await startPipeline(wrong, 'sasl-wrong', false);
    await placeOrders(orderService.url, 2); // the relay tries to publish them
    await new Promise((resolve) => setTimeout(resolve, 15_000));
    for (const service of [orderService, processor]) {
      const lines = service.logs.filter((l) => l.includes('KAFKA_SASL_PASSWORD'));
      expect(lines, service.logs.slice(-20).join('\n')).toHaveLength(1);
      expect(lines[0]).toContain('Kafka refused the SASL credentials');
      expect(service.child.exitCode).toBeNull();
    }
  });
});
