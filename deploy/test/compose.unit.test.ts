// docker-compose.yml: parses, and uses the env var names, ports and topic names of the code; every long-running
// service has a healthcheck and a memory limit, and starts after what it needs is healthy. (No Docker engine
// runs here, so nothing is started.)
import { existsSync } from 'node:fs';
import { deadLetterTopicOf, ORDER_CREATED_TOPIC, ORDER_PROCESSOR_GROUP } from '@metalmart/contracts';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readRepoFile, repoPath } from './support/files.ts';
import { envNamesReadBy, SERVICES } from './support/services.ts';

type ComposeService = {
  image?: string;
  build?: { context: string; dockerfile: string };
  environment?: Record<string, string | number | boolean>;
  ports?: string[];
  depends_on?: Record<string, { condition: string; required?: boolean }>;
  profiles?: string[];
  healthcheck?: { test: string[] | string };
  read_only?: boolean;
  init?: boolean;
  cap_drop?: string[];
  restart?: string;
  deploy?: { replicas?: number; resources?: { limits?: { memory?: string } } };
};

const compose = parse(readRepoFile('docker-compose.yml'), { merge: true }) as {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
};
const services = compose.services;
const env = (service: string) => {
  const environment = services[service]?.environment;
  if (!environment) throw new Error(`compose service ${service} has no environment`);
  return Object.fromEntries(Object.entries(environment).map(([k, v]) => [k, String(v)]));
};
/** `${VAR:-default}` → default (what an unconfigured `docker compose up` uses). */
const resolved = (value: string) => value.replace(/\$\{[A-Z_]+:-([^}]*)\}/g, '$1');
/** "127.0.0.1:8080:8080" → { host: 8080, container: 8080 } */
const published = (service: string) =>
  (services[service]?.ports ?? []).map((p) => {
    const parts = p.split(':');
    return {
      bind: parts.length === 3 ? parts[0] : '0.0.0.0',
      host: Number(parts.at(-2)),
      container: Number(parts.at(-1)),
    };
  });

describe('docker-compose.yml', () => {
  it('has Kafka, PostgreSQL, the topic setup, both services and the frontend', () => {
    const always = Object.keys(services).filter((name) => !services[name]?.profiles);
    expect(always.sort()).toEqual(
      ['frontend', 'kafka', 'kafka-topics', 'order-processor', 'order-service', 'postgres'].sort(),
    );
    expect(services.kafka?.image).toMatch(/^apache\/kafka:4\.\d+\.\d+$/);
    expect(services.postgres?.image).toMatch(/^postgres:18/);
  });

  it('builds each image from the repository root with an existing Dockerfile', () => {
    const expected: Record<string, string> = {
      'order-service': 'services/order/Dockerfile',
      'order-processor': 'services/order-processor/Dockerfile',
      frontend: 'frontend/Dockerfile',
    };
    for (const [service, dockerfile] of Object.entries(expected)) {
      expect(services[service]?.build).toEqual({ context: '.', dockerfile });
      expect(existsSync(repoPath(dockerfile)), dockerfile).toBe(true);
    }
  });

  it('gives every long-running service a healthcheck, a memory limit and healthy dependencies', () => {
    for (const [name, service] of Object.entries(services)) {
      expect(service.deploy?.resources?.limits?.memory, `${name}: memory limit`).toMatch(/^\d+[MG]$/);
      if (name === 'kafka-topics') {
        expect(service.restart).toBe('no');
        continue;
      }
      expect(service.healthcheck?.test, `${name}: healthcheck`).toBeDefined();
      for (const [dependency, { condition }] of Object.entries(service.depends_on ?? {})) {
        expect(Object.keys(services), `${name} → ${dependency}`).toContain(dependency);
        expect(condition, `${name} → ${dependency}`).toBe(
          dependency === 'kafka-topics' ? 'service_completed_successfully' : 'service_healthy',
        );
      }
    }
    expect(Object.keys(services['order-service']?.depends_on ?? {}).sort()).toEqual([
      'kafka',
      'kafka-topics',
      'postgres',
    ]);
    expect(Object.keys(services['order-processor']?.depends_on ?? {})).toContain('kafka-topics');
    expect(Object.keys(services.frontend?.depends_on ?? {})).toEqual(['order-service']);
  });

  it('runs the project images read-only without capabilities, and two processors', () => {
    for (const name of ['order-service', 'order-processor', 'frontend']) {
      expect(services[name]?.read_only, name).toBe(true);
      // The images run node (or nginx) directly; Docker's init in front forwards signals and reaps children.
      expect(services[name]?.init, name).toBe(true);
      expect(services[name]?.cap_drop, name).toEqual(['ALL']);
    }
    expect(services['order-processor']?.deploy?.replicas).toBeGreaterThanOrEqual(2);
    expect(services['order-processor']?.ports ?? []).toEqual([]); // scalable: no fixed host port
  });

  it('sets only env vars the services read, with the same ports as the code', () => {
    for (const service of Object.values(SERVICES)) {
      const known = envNamesReadBy(service);
      const vars = env(service.name);
      for (const name of Object.keys(vars)) expect(known, `${service.name}: ${name}`).toContain(name);
      for (const required of service.required) expect(Object.keys(vars), service.name).toContain(required);
      expect(vars.PORT, service.name).toBe(String(service.port));
      expect(vars.HOST, service.name).toBe('0.0.0.0');
      expect(vars.KAFKA_TOPIC, service.name).toBe(ORDER_CREATED_TOPIC);
    }
    expect(published('order-service')).toEqual([{ bind: '127.0.0.1', host: 8080, container: 8080 }]);
    // The same host ports as `npm start`: frontend 5173, PostgreSQL 55432, Kafka 9092.
    expect(published('frontend')).toEqual([{ bind: '127.0.0.1', host: 5173, container: 8080 }]);
    expect(published('postgres')).toEqual([{ bind: '127.0.0.1', host: 55432, container: 5432 }]);
    expect(published('kafka')).toEqual([{ bind: '127.0.0.1', host: 9092, container: 9092 }]);
    const processor = env('order-processor');
    expect(processor.KAFKA_GROUP_ID).toBe(ORDER_PROCESSOR_GROUP);
    expect(processor.KAFKA_DLQ_TOPIC).toBe(deadLetterTopicOf(ORDER_CREATED_TOPIC));
    // The ops page lists and replays the dead letters where the processors put them.
    expect(env('order-service').KAFKA_DLQ_TOPIC).toBe(processor.KAFKA_DLQ_TOPIC);
    expect(processor.ORDER_SERVICE_URL).toBe('http://order-service:8080');
    expect(resolved(processor.ORDER_SERVICE_TOKEN ?? '')).toBe(
      resolved(env('order-service').ORDER_SERVICE_TOKEN ?? ''),
    );
    expect(resolved(processor.ORDER_SERVICE_TOKEN ?? '').length).toBeGreaterThanOrEqual(16);
  });

  it('points the services at the containers: Kafka internal listener, PostgreSQL credentials', () => {
    const kafka = env('kafka');
    const internal = /INTERNAL:\/\/([^,]+)/.exec(kafka.KAFKA_ADVERTISED_LISTENERS ?? '')?.[1];
    const external = /EXTERNAL:\/\/([^,]+)/.exec(kafka.KAFKA_ADVERTISED_LISTENERS ?? '')?.[1];
    expect(internal).toBe('kafka:29092');
    expect(external).toBe('127.0.0.1:9092'); // what `npm start --workspace …` on the host uses by default
    for (const service of ['order-service', 'order-processor', 'kafka-topics']) {
      expect(env(service).KAFKA_BROKERS, service).toBe(internal);
    }
    // One node: internal topics at replication factor 1 (unless the three-brokers profile's variable says 3).
    expect(resolved(kafka.KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR ?? '')).toBe('1');
    expect(kafka.KAFKA_TRANSACTION_STATE_LOG_MIN_ISR).toBe('1');
    expect(kafka.KAFKA_AUTO_CREATE_TOPICS_ENABLE).toBe('false');

    const pg = env('postgres');
    const url = new URL(env('order-service').DATABASE_URL ?? '');
    expect(url.hostname).toBe('postgres');
    expect(url.username).toBe(pg.POSTGRES_USER);
    expect(url.password).toBe(pg.POSTGRES_PASSWORD);
    expect(url.pathname).toBe(`/${pg.POSTGRES_DB}`);
    // The host-side default of the Order Service's config points at the same database through port 55432.
    expect(readRepoFile('services/order/src/config.ts')).toContain(
      `postgres://${pg.POSTGRES_USER}:${pg.POSTGRES_PASSWORD}@127.0.0.1:55432/${pg.POSTGRES_DB}`,
    );
  });

  it('creates the order topic with 6 partitions and its dead-letter topic', () => {
    const topics = env('kafka-topics');
    expect(topics.KAFKA_TOPIC).toBe(ORDER_CREATED_TOPIC);
    expect(topics.KAFKA_TOPIC_PARTITIONS).toBe('6');
    expect(topics.KAFKA_DLQ_TOPIC).toBe(deadLetterTopicOf(ORDER_CREATED_TOPIC));
    // The Kubernetes Job's script, the same file (tests/kafka-cluster.int.test.ts runs it against a real cluster).
    const service = services['kafka-topics'] as ComposeService & { volumes?: string[]; entrypoint?: string[] };
    expect(service.volumes).toEqual(['./deploy/k8s/base/kafka-topics.sh:/scripts/kafka-topics.sh:ro']);
    expect(service.entrypoint).toEqual(['/bin/bash', '/scripts/kafka-topics.sh']);
  });

  it('keeps data on named volumes (PostgreSQL 18 at /var/lib/postgresql)', () => {
    expect(Object.keys(compose.volumes ?? {}).sort()).toEqual([
      'kafka-2-data',
      'kafka-3-data',
      'kafka-data',
      'postgres-data',
    ]);
    const postgres = services.postgres as ComposeService & { volumes?: string[] };
    expect(postgres.volumes).toEqual(['postgres-data:/var/lib/postgresql']);
  });

  it('adds two brokers to the same cluster under the profile three-brokers, waited for by the topics script', () => {
    const extra = ['kafka-2', 'kafka-3'];
    const kafka = env('kafka');
    // The controller listens beyond its own container, at the address the others' voters list names.
    expect(kafka.KAFKA_LISTENERS).toContain('CONTROLLER://0.0.0.0:9093');
    expect(kafka.KAFKA_CONTROLLER_QUORUM_VOTERS).toBe('1@kafka:9093');
    const hostPorts = new Set([9092]);
    const nodeIds = new Set([kafka.KAFKA_NODE_ID]);
    for (const name of extra) {
      const broker = env(name);
      expect(services[name]?.profiles, name).toEqual(['three-brokers']);
      expect(services[name]?.image, name).toBe(services.kafka?.image);
      expect(broker.CLUSTER_ID, name).toBe(kafka.CLUSTER_ID);
      expect(broker.KAFKA_PROCESS_ROLES, name).toBe('broker');
      expect(broker.KAFKA_CONTROLLER_QUORUM_VOTERS, name).toBe(kafka.KAFKA_CONTROLLER_QUORUM_VOTERS);
      nodeIds.add(broker.KAFKA_NODE_ID);
      const advertised = broker.KAFKA_ADVERTISED_LISTENERS ?? '';
      expect(/INTERNAL:\/\/([^,]+)/.exec(advertised)?.[1], name).toBe(`${name}:29092`);
      const external = Number(/EXTERNAL:\/\/127\.0\.0\.1:(\d+)/.exec(advertised)?.[1]);
      // Each broker's host address is published where it advertises it, on a port of its own.
      expect(published(name), name).toEqual([{ bind: '127.0.0.1', host: external, container: 9092 }]);
      hostPorts.add(external);
      const volumes = (services[name] as ComposeService & { volumes?: string[] }).volumes;
      expect(volumes, name).toEqual([`${name}-data:/var/lib/kafka/data`]);
      expect(services['kafka-topics']?.depends_on?.[name], name).toEqual({
        condition: 'service_healthy',
        required: false,
      });
    }
    expect(nodeIds.size).toBe(3);
    expect(hostPorts.size).toBe(3);
    // The internal topics follow one variable, documented with the profile.
    // biome-ignore lint/suspicious/noTemplateCurlyInString: shell, not a template
    expect(kafka.KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR).toBe('${KAFKA_INTERNAL_REPLICATION_FACTOR:-1}');
    expect(readRepoFile('docs/deploy.md')).toContain(
      'KAFKA_INTERNAL_REPLICATION_FACTOR=3 docker compose --profile three-brokers up',
    );
  });
});
