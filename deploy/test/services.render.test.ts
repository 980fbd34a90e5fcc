// The Order Service, the processor and the frontend in every rendering: the env vars their code reads with the
// contracts' values, probes and shutdown timing, how they reach each other, and Services that select them.
import { deadLetterTopicOf, ORDER_CREATED_TOPIC, ORDER_PROCESSOR_GROUP } from '@metalmart/contracts';
import { describe, expect, it } from 'vitest';
import {
  containerOf,
  envOf,
  findDeployment,
  findService,
  plainValue,
  podSpecOf,
  servicesOf,
  workloads,
} from './support/manifests.ts';
import { renderEverything } from './support/renderings.ts';
import { envNamesReadBy, SERVICES } from './support/services.ts';

const rendered = renderEverything();

describe('env', () => {
  it('sets exactly the env vars the services read, with the contracts values', () => {
    for (const service of Object.values(SERVICES)) {
      const known = envNamesReadBy(service);
      expect(known.size, `${service.dir}/src reads no env vars: missing sources?`).toBeGreaterThan(3);
      for (const [name, list] of rendered.all()) {
        const container = containerOf(list, service.name);
        const env = envOf(container);
        const where = `${name}: ${service.name}`;
        for (const required of service.required) expect([...env.keys()], where).toContain(required);
        for (const variable of env.keys()) {
          // A variable the code doesn't read may only exist to be expanded into another one, $(LIKE_THIS).
          const expanded = [...env.values()].some((e) => e.value?.includes(`$(${variable})`));
          expect(known.has(variable) || expanded, `${where}: ${variable} is read by nothing`).toBe(true);
        }
        expect(plainValue(container, 'PORT'), where).toBe(String(service.port));
        expect(
          container.ports?.map((p) => p.containerPort),
          where,
        ).toContain(service.port);
        expect(plainValue(container, 'HOST'), `${where}: probes reach the pod IP`).toBe('0.0.0.0');
        expect(plainValue(container, 'KAFKA_TOPIC'), where).toBe(ORDER_CREATED_TOPIC);
        const [kafkaHost, kafkaPort] = plainValue(container, 'KAFKA_BROKERS').split(':');
        const kafkaService = findService(list, kafkaHost ?? '');
        expect(
          kafkaService.spec?.ports?.map((p) => String(p.port)),
          where,
        ).toContain(kafkaPort);
      }
    }
  });

  it('runs ≥ 2 processors with KAFKA_TOPIC / KAFKA_GROUP_ID as plain values (mirrord reads them)', () => {
    for (const [name, list] of rendered.all()) {
      const deployment = findDeployment(list, SERVICES.processor.name);
      expect(deployment.spec?.replicas, name).toBeGreaterThanOrEqual(2);
      const container = containerOf(list, SERVICES.processor.name);
      expect(plainValue(container, 'KAFKA_TOPIC'), name).toBe(ORDER_CREATED_TOPIC);
      expect(plainValue(container, 'KAFKA_GROUP_ID'), name).toBe(ORDER_PROCESSOR_GROUP);
      // During a split KAFKA_TOPIC names a temporary topic: the dead-letter topic must not follow it.
      expect(plainValue(container, 'KAFKA_DLQ_TOPIC'), name).toBe(deadLetterTopicOf(ORDER_CREATED_TOPIC));
      // The Order Service's /api/ops lists and replays the dead letters where the processors put them.
      const order = containerOf(list, SERVICES.order.name);
      expect(plainValue(order, 'KAFKA_DLQ_TOPIC'), name).toBe(plainValue(container, 'KAFKA_DLQ_TOPIC'));
    }
  });
});

describe('lifecycle', () => {
  it('keeps the Order Service in its Service while Kafka is down, and gives the processor time for a whole workflow', () => {
    for (const [name, list] of rendered.all()) {
      const order = containerOf(list, SERVICES.order.name);
      // /readyz needs PostgreSQL only (services/order/test/health.unit.test.ts); /healthz is the process itself.
      expect(order.readinessProbe?.httpGet?.path, `${name}: readiness`).toBe('/readyz');
      expect(order.livenessProbe?.httpGet?.path, `${name}: liveness`).toBe('/healthz');
      const processor = findDeployment(list, SERVICES.processor.name);
      const container = containerOf(list, SERVICES.processor.name);
      const stageDelayMs = Number(envOf(container).get('STAGE_DELAY_MS')?.value ?? 2000);
      const graceMs = Number(envOf(container).get('SHUTDOWN_GRACE_MS')?.value ?? 3 * stageDelayMs + 5000);
      // SIGTERM → finish in-flight orders (SHUTDOWN_GRACE_MS), commit, leave the group: all before SIGKILL.
      const killAfterMs = (podSpecOf(processor).terminationGracePeriodSeconds ?? 30) * 1000;
      expect(killAfterMs, `${name}: terminationGracePeriodSeconds`).toBeGreaterThan(graceMs + 5000);
    }
  });
});

describe('wiring', () => {
  it('wires the processor to the Order Service (its Service port, the same token Secret)', () => {
    for (const [name, list] of rendered.all()) {
      const order = containerOf(list, SERVICES.order.name);
      const processor = containerOf(list, SERVICES.processor.name);
      const orderUrl = new URL(plainValue(processor, 'ORDER_SERVICE_URL'));
      const orderService = findService(list, orderUrl.hostname);
      expect(
        orderService.spec?.ports?.map((p) => String(p.port)),
        name,
      ).toContain(orderUrl.port);
      expect(envOf(processor).get('ORDER_SERVICE_TOKEN')?.valueFrom?.secretKeyRef, name).toEqual(
        envOf(order).get('ORDER_SERVICE_TOKEN')?.valueFrom?.secretKeyRef,
      );
    }
  });

  it('exposes the frontend on Service port 80, and every Service selects pods with the named target port', () => {
    for (const [name, list] of rendered.all()) {
      const frontend = findService(list, 'frontend');
      expect(
        frontend.spec?.ports?.map((p) => p.port),
        name,
      ).toEqual([80]);
      for (const service of servicesOf(list)) {
        const selector = service.spec?.selector ?? {};
        const pods = workloads(list).filter((w) =>
          Object.entries(selector).every(([k, v]) => w.spec?.template.metadata?.labels?.[k] === v),
        );
        expect(pods.length, `${name}: Service ${service.metadata?.name} selects no pod`).toBeGreaterThan(0);
        for (const port of service.spec?.ports ?? []) {
          if (typeof port.targetPort !== 'string') continue;
          const names = pods.flatMap((w) => podSpecOf(w).containers.flatMap((c) => (c.ports ?? []).map((p) => p.name)));
          expect(names, `${name}: Service ${service.metadata?.name} targetPort`).toContain(port.targetPort);
        }
      }
    }
  });
});
