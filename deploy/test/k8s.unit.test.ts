// Renders every kustomize overlay (and every component on top of the base) with a pinned kustomize, validates
// each Kubernetes object against the Kubernetes OpenAPI schemas (kubernetes-models, offline), checks the
// mirrord and KEDA custom resources by hand, and checks the invariants the demo relies on.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { deadLetterTopicOf, HEADERS, ORDER_CREATED_TOPIC, ORDER_PROCESSOR_GROUP } from '@metalmart/contracts';
import { Deployment, type IDeployment, type IStatefulSet, StatefulSet } from 'kubernetes-models/apps/v1';
import { type IJob, Job } from 'kubernetes-models/batch/v1';
import {
  ConfigMap,
  type IContainer,
  type IEnvVar,
  type IPersistentVolumeClaim,
  type IPodSpec,
  type IService,
  Namespace,
  PersistentVolumeClaim,
  Secret,
  Service,
} from 'kubernetes-models/v1';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ensureKustomize,
  envNamesReadBy,
  kustomizationsIn,
  kustomizeBuild,
  readRepoFile,
  repoPath,
  SERVICES,
} from './support.ts';

type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  // biome-ignore lint/suspicious/noExplicitAny: custom resources are checked field by field below
  spec?: any;
  [key: string]: unknown;
};

const NAMESPACE = 'metalmart';
const MIRRORD_NAMESPACE = 'mirrord';
const TOPIC_PARTITIONS = 6;
/** The seed walkthrough's `kubectl exec -n metalmart deploy/kafka -- kafka-topics …` needs exactly this. */
const KAFKA_DEPLOYMENT = 'kafka';

/** Built-in kinds and the kubernetes-models class that validates them. */
const builtInModels: Record<string, new (data: never) => { validate(): void }> = {
  'v1/Namespace': Namespace,
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'v1/PersistentVolumeClaim': PersistentVolumeClaim,
  'apps/v1/Deployment': Deployment,
  'apps/v1/StatefulSet': StatefulSet,
  'batch/v1/Job': Job,
};

const overlayDirs = kustomizationsIn(repoPath('deploy', 'k8s', 'overlays'));
const componentDirs = kustomizationsIn(repoPath('deploy', 'k8s', 'components'));
const rendered = new Map<string, K8sObject[]>();
const scratch: string[] = [];

/** A throwaway kustomization: the base plus the given components (with the demo secrets, so refs resolve). */
function renderBaseWith(components: string[]): K8sObject[] {
  const dir = mkdtempSync(join(tmpdir(), 'metalmart-kustomize-'));
  scratch.push(dir);
  const all = [...new Set([repoPath('deploy', 'k8s', 'components', 'demo-secrets'), ...components])];
  writeFileSync(
    join(dir, 'kustomization.yaml'),
    [
      'apiVersion: kustomize.config.k8s.io/v1beta1',
      'kind: Kustomization',
      'resources:',
      // kustomize takes relative paths only
      `  - ${relative(dir, repoPath('deploy', 'k8s', 'base'))}`,
      'components:',
      ...all.map((c) => `  - ${relative(dir, c)}`),
      '',
    ].join('\n'),
  );
  return kustomizeBuild(dir) as K8sObject[];
}

beforeAll(() => {
  ensureKustomize(); // first run on a fresh machine: go install (about a minute)
  for (const overlay of overlayDirs)
    rendered.set(`overlay ${basename(overlay)}`, kustomizeBuild(overlay) as K8sObject[]);
  for (const component of componentDirs) {
    rendered.set(`base + component ${basename(component)}`, renderBaseWith([component]));
  }
  return () => {
    for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
  };
}, 20 * 60_000);

function objects(name: string): K8sObject[] {
  const list = rendered.get(name);
  if (!list) throw new Error(`nothing rendered for ${name}`);
  return list;
}

function find(list: K8sObject[], kind: string, name: string): K8sObject {
  const found = list.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`${kind}/${name} is not in the rendered manifests`);
  return found;
}

function workloads(list: K8sObject[]) {
  return list.filter((o) => ['Deployment', 'StatefulSet', 'Job'].includes(o.kind)) as unknown as (
    | IDeployment
    | IStatefulSet
    | IJob
  )[];
}

function podSpecOf(workload: IDeployment | IStatefulSet | IJob): IPodSpec {
  const spec = workload.spec?.template.spec;
  if (!spec) throw new Error(`${workload.kind}/${workload.metadata?.name} has no pod template`);
  return spec;
}

function containerOf(list: K8sObject[], deployment: string): IContainer {
  const pod = podSpecOf(find(list, 'Deployment', deployment) as unknown as IDeployment);
  const container = pod.containers.find((c) => c.name === deployment);
  if (!container) throw new Error(`deployment ${deployment} has no container named ${deployment}`);
  return container;
}

function envOf(container: IContainer): Map<string, IEnvVar> {
  return new Map((container.env ?? []).map((e) => [e.name, e]));
}

function plainValue(container: IContainer, name: string): string {
  const variable = envOf(container).get(name);
  if (variable?.value === undefined) throw new Error(`${container.name}: ${name} is not a plain value`);
  return variable.value;
}

/** Every object of every rendering, for the checks that apply to all of them. */
function everyRendering(): [string, K8sObject[]][] {
  return [...rendered.entries()];
}

describe('kustomize renders', () => {
  it('finds the overlays and components the docs talk about', () => {
    expect(overlayDirs.map((d) => basename(d))).toEqual(expect.arrayContaining(['gke', 'minikube']));
    expect(componentDirs.map((d) => basename(d))).toEqual(
      expect.arrayContaining(['demo-secrets', 'keda-autoscaling', 'mirrord-kafka-splitting', 'mirrord-split-config']),
    );
    const deployDoc = readRepoFile('docs/deploy.md');
    for (const dir of [...overlayDirs, ...componentDirs]) expect(deployDoc).toContain(basename(dir));
  });

  it('renders every overlay and component to a non-empty set of objects', () => {
    expect(rendered.size).toBe(overlayDirs.length + componentDirs.length);
    for (const [name, list] of everyRendering()) {
      expect(list.length, name).toBeGreaterThan(5);
      for (const o of list) {
        expect(typeof o.apiVersion, `${name}: apiVersion`).toBe('string');
        expect(o.metadata?.name, `${name}: ${o.kind} without a name`).toMatch(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/);
      }
    }
  });
});

describe('schemas', () => {
  it('validates every built-in object against the Kubernetes OpenAPI schema', () => {
    let validated = 0;
    for (const [name, list] of everyRendering()) {
      for (const o of list) {
        const Model = builtInModels[`${o.apiVersion}/${o.kind}`];
        if (!Model) {
          expect(Object.keys(customResourceChecks), `${name}: nothing validates ${o.apiVersion}/${o.kind}`).toContain(
            `${o.apiVersion}/${o.kind}`,
          );
          continue;
        }
        expect(() => new Model(o as never).validate(), `${name}: ${o.kind}/${o.metadata.name}`).not.toThrow();
        validated++;
      }
    }
    expect(validated).toBeGreaterThan(20);
  });

  it('uses a validator that rejects broken objects (so the check above means something)', () => {
    const deployment = structuredClone(find(objects('overlay minikube'), 'Deployment', 'order-service'));
    deployment.spec.template.spec.containers[0].ports[0].containerPort = 'http';
    expect(() => new Deployment(deployment as never).validate()).toThrow(/containerPort/);
    const job = structuredClone(find(objects('overlay minikube'), 'Job', 'kafka-topics'));
    delete job.spec.template;
    expect(() => new Job(job as never).validate()).toThrow(/template/);
  });

  it('checks every custom resource by hand (mirrord operator, KEDA)', () => {
    let checked = 0;
    for (const [name, list] of everyRendering()) {
      for (const o of list) {
        const check = customResourceChecks[`${o.apiVersion}/${o.kind}`];
        if (!check) continue;
        expect(check(o), `${name}: ${o.kind}/${o.metadata.name}`).toEqual([]);
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(5);
    // And the hand checks do reject mistakes.
    const consumer = structuredClone(
      find(objects('overlay gke'), 'MirrordKafkaTopicsConsumer', 'order-processor'),
    ) as K8sObject;
    delete consumer.spec.topics[0].groupIdSources;
    consumer.spec.topics[0].nameSource = consumer.spec.topics[0].nameSources;
    expect(customResourceChecks['queues.mirrord.metalbear.co/v1alpha/MirrordKafkaTopicsConsumer']?.(consumer)).toEqual(
      expect.arrayContaining([expect.stringMatching(/groupIdSources/), expect.stringMatching(/nameSource/)]),
    );
  });
});

describe('invariants', () => {
  it('puts everything in namespace metalmart (the Kafka client config: in the operator namespace mirrord)', () => {
    for (const [name, list] of everyRendering()) {
      expect(find(list, 'Namespace', NAMESPACE).metadata.name).toBe(NAMESPACE);
      for (const o of list.filter((o) => o.kind !== 'Namespace')) {
        const expected = o.kind === 'MirrordKafkaClientConfig' ? MIRRORD_NAMESPACE : NAMESPACE;
        expect(o.metadata.namespace, `${name}: ${o.kind}/${o.metadata.name}`).toBe(expected);
      }
    }
  });

  it('gives every container probes (Jobs excepted), requests and limits, and a non-root read-only sandbox', () => {
    for (const [name, list] of everyRendering()) {
      for (const workload of workloads(list)) {
        const pod = podSpecOf(workload);
        const where = `${name}: ${workload.kind}/${workload.metadata?.name}`;
        expect(pod.automountServiceAccountToken, where).toBe(false);
        expect(pod.enableServiceLinks, `${where}: service links would inject KAFKA_PORT etc.`).toBe(false);
        expect(pod.securityContext?.runAsNonRoot, where).toBe(true);
        expect(pod.securityContext?.runAsUser, where).toBeGreaterThan(0);
        expect(pod.securityContext?.seccompProfile?.type, where).toBe('RuntimeDefault');
        const volumes = new Set([
          ...(pod.volumes ?? []).map((v) => v.name),
          ...((workload as IStatefulSet).spec?.volumeClaimTemplates ?? []).map((v) => v.metadata?.name),
        ]);
        for (const c of [...(pod.initContainers ?? []), ...pod.containers]) {
          const at = `${where} container ${c.name}`;
          if (workload.kind !== 'Job') {
            expect(c.readinessProbe, `${at}: readinessProbe`).toBeDefined();
            expect(c.livenessProbe, `${at}: livenessProbe`).toBeDefined();
          }
          for (const kind of ['requests', 'limits'] as const) {
            expect(c.resources?.[kind]?.cpu, `${at}: ${kind}.cpu`).toBeDefined();
            expect(c.resources?.[kind]?.memory, `${at}: ${kind}.memory`).toBeDefined();
          }
          expect(c.securityContext?.readOnlyRootFilesystem, `${at}: readOnlyRootFilesystem`).toBe(true);
          expect(c.securityContext?.allowPrivilegeEscalation, at).toBe(false);
          expect(c.securityContext?.capabilities?.drop, at).toEqual(['ALL']);
          expect(c.securityContext?.runAsUser ?? pod.securityContext?.runAsUser, at).not.toBe(0);
          expect(c.image, `${at}: image`).toMatch(/^[a-z0-9./_-]+:[A-Za-z0-9._-]+$/);
          expect(c.image, `${at}: pinned image`).not.toMatch(/:latest$/);
          for (const mount of c.volumeMounts ?? [])
            expect(volumes, `${at}: volume ${mount.name}`).toContain(mount.name);
          const portNames = new Set((c.ports ?? []).map((p) => p.name));
          for (const probe of [c.startupProbe, c.readinessProbe, c.livenessProbe]) {
            const port = probe?.httpGet?.port ?? probe?.tcpSocket?.port;
            if (typeof port === 'string') expect(portNames, `${at}: probe port ${port}`).toContain(port);
          }
        }
      }
    }
  });

  it('runs Kafka as the Deployment kafka (one pod, Recreate) with its data on a PersistentVolumeClaim', () => {
    for (const [name, list] of everyRendering()) {
      // `kubectl exec deploy/kafka` resolves a Deployment only: no StatefulSet (or anything else) may take the name.
      expect(
        list.filter((o) => o.metadata.name === KAFKA_DEPLOYMENT && ['StatefulSet', 'Deployment'].includes(o.kind)),
        name,
      ).toEqual([expect.objectContaining({ kind: 'Deployment' })]);
      const kafka = find(list, 'Deployment', KAFKA_DEPLOYMENT) as unknown as IDeployment;
      expect(kafka.spec?.replicas, name).toBe(1);
      // One broker on a ReadWriteOnce volume: the old pod must be gone before the new one starts.
      expect(kafka.spec?.strategy, name).toEqual({ type: 'Recreate' });
      const pod = podSpecOf(kafka);
      const container = pod.containers.find((c) => c.name === 'kafka');
      expect(container?.image, name).toMatch(/^apache\/kafka:4\.\d+\.\d+$/);
      const dataMount = container?.volumeMounts?.find((m) => m.mountPath === '/var/lib/kafka/data');
      const dataVolume = pod.volumes?.find((v) => v.name === dataMount?.name);
      const claimName = dataVolume?.persistentVolumeClaim?.claimName;
      expect(claimName, `${name}: /var/lib/kafka/data is not on a PersistentVolumeClaim`).toBeDefined();
      expect(dataVolume?.persistentVolumeClaim?.readOnly, name).not.toBe(true);
      const claim = find(list, 'PersistentVolumeClaim', claimName ?? '') as unknown as IPersistentVolumeClaim;
      expect(claim.spec?.accessModes, name).toEqual(['ReadWriteOnce']);
      expect(claim.spec?.resources?.requests?.storage, name).toMatch(/^\d+Gi$/);
      // Same broker settings as before: the ConfigMap's server.properties, formatted on first start.
      const args = [...(container?.command ?? []), ...(container?.args ?? [])].join('\n');
      expect(args, name).toContain('kafka-storage.sh format --standalone --ignore-formatted');
      expect(args, name).toMatch(
        /exec \/opt\/kafka\/bin\/kafka-server-start\.sh \/etc\/metalmart\/kafka\/server\.properties/,
      );
      const configMount = container?.volumeMounts?.find((m) => m.mountPath === '/etc/metalmart/kafka');
      expect(pod.volumes?.find((v) => v.name === configMount?.name)?.configMap?.name, name).toBe('kafka-config');
      expect(envOf(container as IContainer).get('CLUSTER_ID')?.valueFrom?.configMapKeyRef, name).toEqual({
        name: 'kafka-config',
        key: 'CLUSTER_ID',
      });
      const properties = (find(list, 'ConfigMap', 'kafka-config') as unknown as { data: Record<string, string> }).data[
        'server.properties'
      ];
      expect(properties, name).toMatch(/^process\.roles=broker,controller$/m);
      expect(properties, `${name}: log.dirs on the claim`).toMatch(/^log\.dirs=\/var\/lib\/kafka\/data(\/|$)/m);
      // One node: internal topics at replication factor 1, or consumer groups hang.
      for (const key of [
        'offsets.topic.replication.factor',
        'transaction.state.log.replication.factor',
        'transaction.state.log.min.isr',
        'share.coordinator.state.topic.replication.factor',
        'min.insync.replicas',
      ]) {
        expect(properties, `${name}: ${key}`).toMatch(new RegExp(`^${key.replaceAll('.', '\\.')}=1$`, 'm'));
      }
      // The advertised name must resolve from other namespaces (mirrord's operator) and before readiness: the
      // headless Service kafka-headless, which selects the broker pod. Clients bootstrap from the Service kafka.
      const podLabels = kafka.spec?.template.metadata?.labels ?? {};
      const selects = (service: IService) =>
        Object.entries(service.spec?.selector ?? {}).every(([k, v]) => podLabels[k] === v);
      const headless = find(list, 'Service', 'kafka-headless') as unknown as IService;
      expect(headless.spec?.clusterIP, name).toBe('None');
      expect(headless.spec?.publishNotReadyAddresses, name).toBe(true);
      expect(selects(headless), `${name}: kafka-headless selects the broker pod`).toBe(true);
      const bootstrap = find(list, 'Service', 'kafka') as unknown as IService;
      expect(selects(bootstrap), `${name}: kafka selects the broker pod`).toBe(true);
      expect(
        bootstrap.spec?.ports?.map((p) => p.port),
        name,
      ).toEqual([9092]);
      const advertised = /^advertised\.listeners=PLAINTEXT:\/\/([^:]+):(\d+)$/m.exec(properties ?? '');
      expect(advertised?.[1], name).toBe(`${headless.metadata?.name}.${NAMESPACE}.svc.cluster.local`);
      expect(advertised?.[2], name).toBe('9092');
    }
    // The real cluster gets the bigger claim.
    const claims = (overlay: string) =>
      (find(objects(overlay), 'PersistentVolumeClaim', 'kafka-data') as unknown as IPersistentVolumeClaim).spec
        ?.resources?.requests?.storage;
    expect(claims('overlay gke')).toBe('20Gi');
    expect(claims('overlay minikube')).toBe('5Gi');
  });

  it('puts `kafka-topics` (and kafka-consumer-groups) on the broker PATH, as in the walkthrough', () => {
    for (const [name, list] of everyRendering()) {
      const kafka = find(list, 'Deployment', KAFKA_DEPLOYMENT) as unknown as IDeployment;
      const pod = podSpecOf(kafka);
      const container = pod.containers.find((c) => c.name === 'kafka') as IContainer;
      // The container's PATH is the image's (not overridden), which has /usr/local/bin.
      expect(envOf(container).has('PATH'), name).toBe(false);
      const config = (find(list, 'ConfigMap', 'kafka-config') as unknown as { data: Record<string, string> }).data;
      for (const tool of ['kafka-topics', 'kafka-consumer-groups']) {
        const at = `${name}: ${tool}`;
        const mount = container.volumeMounts?.find((m) => m.mountPath === `/usr/local/bin/${tool}`);
        expect(mount, at).toBeDefined();
        const volume = pod.volumes?.find((v) => v.name === mount?.name)?.configMap;
        expect(volume?.name, at).toBe('kafka-config');
        const item = volume?.items?.find((i) => i.path === mount?.subPath);
        expect(item, `${at}: subPath names an item of the volume`).toBeDefined();
        const mode = item?.mode ?? volume?.defaultMode ?? 0o644;
        expect(mode & 0o555, `${at}: mode ${mode.toString(8)} is not executable and readable by all`).toBe(0o555);
        expect(mode & 0o022, `${at}: writable by others`).toBe(0);
        expect(config[item?.key ?? ''], at).toBe(`#!/bin/sh\nexec /opt/kafka/bin/${tool}.sh "$@"\n`);
      }
    }
  });

  it('keeps PostgreSQL on a persistent volume (StatefulSet with a claim template)', () => {
    for (const [name, list] of everyRendering()) {
      const postgres = find(list, 'StatefulSet', 'postgres') as unknown as IStatefulSet;
      const pgContainer = podSpecOf(postgres).containers[0];
      expect(postgres.spec?.volumeClaimTemplates?.[0]?.metadata?.name, name).toBe('data');
      expect(pgContainer?.image, name).toMatch(/^postgres:18/);
      // PostgreSQL 18 images refuse a volume at /var/lib/postgresql/data: it belongs one level up.
      expect(pgContainer?.volumeMounts?.find((m) => m.name === 'data')?.mountPath, name).toBe('/var/lib/postgresql');
    }
  });

  it('creates the order topic with 6 partitions and its dead-letter topic (the contracts names)', () => {
    for (const [name, list] of everyRendering()) {
      const job = podSpecOf(find(list, 'Job', 'kafka-topics') as unknown as IJob).containers[0] as IContainer;
      expect(plainValue(job, 'KAFKA_TOPIC'), name).toBe(ORDER_CREATED_TOPIC);
      expect(plainValue(job, 'KAFKA_TOPIC_PARTITIONS'), name).toBe(String(TOPIC_PARTITIONS));
      expect(plainValue(job, 'KAFKA_DLQ_TOPIC'), name).toBe(deadLetterTopicOf(ORDER_CREATED_TOPIC));
      const script = [...(job.command ?? []), ...(job.args ?? [])].join('\n');
      expect(script).toMatch(
        /--create --if-not-exists[\s\\]+--topic "\$KAFKA_TOPIC" --partitions "\$KAFKA_TOPIC_PARTITIONS"/,
      );
      expect(script).toMatch(/--create --if-not-exists[\s\\]+--topic "\$KAFKA_DLQ_TOPIC"/);
    }
  });

  it('sets exactly the env vars the services read, with the contracts values', () => {
    for (const service of Object.values(SERVICES)) {
      const known = envNamesReadBy(service.dir);
      expect(known.size, `${service.dir}/src reads no env vars: missing sources?`).toBeGreaterThan(3);
      for (const [name, list] of everyRendering()) {
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
        const kafkaService = find(list, 'Service', kafkaHost ?? '') as unknown as IService;
        expect(
          kafkaService.spec?.ports?.map((p) => String(p.port)),
          where,
        ).toContain(kafkaPort);
      }
    }
  });

  it('keeps the Order Service in its Service while Kafka is down, and gives the processor time for a whole workflow', () => {
    for (const [name, list] of everyRendering()) {
      const order = containerOf(list, SERVICES.order.name);
      // /readyz needs PostgreSQL only (services/order/test/health.unit.test.ts); /healthz is the process itself.
      expect(order.readinessProbe?.httpGet?.path, `${name}: readiness`).toBe('/readyz');
      expect(order.livenessProbe?.httpGet?.path, `${name}: liveness`).toBe('/healthz');
      const processor = find(list, 'Deployment', SERVICES.processor.name) as unknown as IDeployment;
      const container = containerOf(list, SERVICES.processor.name);
      const stageDelayMs = Number(envOf(container).get('STAGE_DELAY_MS')?.value ?? 2000);
      const graceMs = Number(envOf(container).get('SHUTDOWN_GRACE_MS')?.value ?? 3 * stageDelayMs + 5000);
      // SIGTERM → finish in-flight orders (SHUTDOWN_GRACE_MS), commit, leave the group: all before SIGKILL.
      const killAfterMs = (podSpecOf(processor).terminationGracePeriodSeconds ?? 30) * 1000;
      expect(killAfterMs, `${name}: terminationGracePeriodSeconds`).toBeGreaterThan(graceMs + 5000);
    }
  });

  it('wires the Order Service to PostgreSQL and the processor to the Order Service', () => {
    for (const [name, list] of everyRendering()) {
      const order = containerOf(list, SERVICES.order.name);
      const url = new URL(plainValue(order, 'DATABASE_URL').replace(/\$\(([A-Z_]+)\)/g, 'x'));
      const postgresService = find(list, 'Service', url.hostname) as unknown as IService;
      expect(
        postgresService.spec?.ports?.map((p) => String(p.port)),
        name,
      ).toContain(url.port);
      const pg = podSpecOf(find(list, 'StatefulSet', 'postgres') as unknown as IStatefulSet)
        .containers[0] as IContainer;
      expect(url.pathname, name).toBe(`/${plainValue(pg, 'POSTGRES_DB')}`);
      // User and password come from the same Secret keys PostgreSQL is initialised with.
      const orderEnv = envOf(order);
      const pgEnv = envOf(pg);
      expect(orderEnv.get('DB_USER')?.valueFrom?.secretKeyRef, name).toEqual(
        pgEnv.get('POSTGRES_USER')?.valueFrom?.secretKeyRef,
      );
      expect(orderEnv.get('DB_PASSWORD')?.valueFrom?.secretKeyRef, name).toEqual(
        pgEnv.get('POSTGRES_PASSWORD')?.valueFrom?.secretKeyRef,
      );

      const processor = containerOf(list, SERVICES.processor.name);
      const orderUrl = new URL(plainValue(processor, 'ORDER_SERVICE_URL'));
      const orderService = find(list, 'Service', orderUrl.hostname) as unknown as IService;
      expect(
        orderService.spec?.ports?.map((p) => String(p.port)),
        name,
      ).toContain(orderUrl.port);
      expect(envOf(processor).get('ORDER_SERVICE_TOKEN')?.valueFrom?.secretKeyRef, name).toEqual(
        envOf(order).get('ORDER_SERVICE_TOKEN')?.valueFrom?.secretKeyRef,
      );
    }
  });

  it('runs ≥ 2 processors with KAFKA_TOPIC / KAFKA_GROUP_ID as plain values (mirrord reads them)', () => {
    for (const [name, list] of everyRendering()) {
      const deployment = find(list, 'Deployment', SERVICES.processor.name) as unknown as IDeployment;
      expect(deployment.spec?.replicas, name).toBeGreaterThanOrEqual(2);
      const container = containerOf(list, SERVICES.processor.name);
      expect(plainValue(container, 'KAFKA_TOPIC'), name).toBe(ORDER_CREATED_TOPIC);
      expect(plainValue(container, 'KAFKA_GROUP_ID'), name).toBe(ORDER_PROCESSOR_GROUP);
      // During a split KAFKA_TOPIC names a temporary topic: the dead-letter topic must not follow it.
      expect(plainValue(container, 'KAFKA_DLQ_TOPIC'), name).toBe(deadLetterTopicOf(ORDER_CREATED_TOPIC));
    }
  });

  it('exposes the frontend on Service port 80, and every Service selects pods with the named target port', () => {
    for (const [name, list] of everyRendering()) {
      const frontend = find(list, 'Service', 'frontend') as unknown as IService;
      expect(
        frontend.spec?.ports?.map((p) => p.port),
        name,
      ).toEqual([80]);
      for (const service of list.filter((o) => o.kind === 'Service') as unknown as IService[]) {
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

  it('resolves every Secret and ConfigMap reference, or documents how to create the Secret (GKE)', () => {
    const deployDoc = readRepoFile('docs/deploy.md');
    for (const [name, list] of everyRendering()) {
      for (const workload of workloads(list)) {
        for (const c of podSpecOf(workload).containers) {
          for (const e of c.env ?? []) {
            const secret = e.valueFrom?.secretKeyRef;
            const configMap = e.valueFrom?.configMapKeyRef;
            if (configMap) {
              const cm = find(list, 'ConfigMap', configMap.name ?? '') as unknown as { data: Record<string, string> };
              expect(cm.data, `${name}: ${configMap.name}`).toHaveProperty([configMap.key]);
            }
            if (!secret) continue;
            const object = list.find((o) => o.kind === 'Secret' && o.metadata.name === secret.name) as
              | (K8sObject & { stringData?: Record<string, string>; data?: Record<string, string> })
              | undefined;
            if (object) {
              expect({ ...object.data, ...object.stringData }, `${name}: ${secret.name}`).toHaveProperty([secret.key]);
            } else {
              // Not committed (GKE): docs/deploy.md must show how to create it, with that key.
              expect(deployDoc, `${name}: ${secret.name}`).toMatch(
                new RegExp(
                  `kubectl create secret generic ${secret.name}[^\\n]*(\\\\\\n[^\\n]*)*--from-literal=${secret.key}=`,
                ),
              );
            }
          }
        }
      }
    }
  });

  it('marks committed secret values as local-demo only and ships none to GKE', () => {
    for (const [name, list] of everyRendering()) {
      for (const secret of list.filter((o) => o.kind === 'Secret')) {
        expect(secret.metadata, `${name}: ${secret.metadata.name}`).toHaveProperty(
          ['annotations', 'metalmart.dev/local-demo-values'],
          'true',
        );
        const values = Object.values((secret as { stringData?: Record<string, string> }).stringData ?? {});
        expect(
          values.every((v) => v === 'metalmart' || v.startsWith('local-demo-only-')),
          name,
        ).toBe(true);
      }
    }
    expect(objects('overlay gke').filter((o) => o.kind === 'Secret')).toEqual([]);
  });

  it('points the mirrord operator resources at the processor, its env vars and the .mirrord queue id', () => {
    const mirrordConfig = JSON.parse(readRepoFile('.mirrord/order-processor.mirrord.json'));
    const queueIds = Object.keys(mirrordConfig.feature.split_queues);
    expect(Object.values(mirrordConfig.feature.split_queues)).toEqual([
      expect.objectContaining({ message_filter: { [HEADERS.customerEmail]: expect.any(String) } }),
    ]);
    const kafkaFqdn = `kafka.${NAMESPACE}.svc.cluster.local:9092`;

    const legacy = objects('base + component mirrord-kafka-splitting');
    const consumer = find(legacy, 'MirrordKafkaTopicsConsumer', SERVICES.processor.name);
    expect(consumer.spec.consumerName).toBe(SERVICES.processor.name);
    find(legacy, consumer.spec.consumerKind, consumer.spec.consumerName); // the workload exists
    const processorEnv = envOf(containerOf(legacy, SERVICES.processor.name));
    for (const topic of consumer.spec.topics) {
      expect(queueIds).toContain(topic.id);
      const clientConfig = find(legacy, 'MirrordKafkaClientConfig', topic.clientConfig);
      expect(clientConfig.spec.properties).toContainEqual({ name: 'bootstrap.servers', value: kafkaFqdn });
      expect(topic.nameSources).toEqual([
        { directEnvVar: { container: SERVICES.processor.name, variable: 'KAFKA_TOPIC' } },
      ]);
      expect(topic.groupIdSources).toEqual([
        { directEnvVar: { container: SERVICES.processor.name, variable: 'KAFKA_GROUP_ID' } },
      ]);
      for (const source of [...topic.nameSources, ...topic.groupIdSources]) {
        expect(processorEnv.get(source.directEnvVar.variable)?.value).toBeDefined();
      }
    }

    const current = objects('base + component mirrord-split-config');
    const split = find(current, 'MirrordSplitConfig', SERVICES.processor.name);
    find(current, split.spec.targetRef.kind, split.spec.targetRef.name);
    for (const queue of split.spec.queues) {
      expect(queueIds).toContain(queue.id);
      const properties = find(current, 'MirrordPropertyList', queue.clientConfig);
      expect(properties.metadata.namespace).toBe(NAMESPACE);
      expect(properties.spec.properties).toContainEqual({ name: 'bootstrap.servers', value: kafkaFqdn });
      expect(queue.appConfig.topic).toEqual([{ env: 'KAFKA_TOPIC', containers: [SERVICES.processor.name] }]);
      expect(queue.appConfig.groupId).toEqual([{ env: 'KAFKA_GROUP_ID', containers: [SERVICES.processor.name] }]);
    }

    // GKE (with the operator) gets the legacy pair; never both models at once; minikube neither.
    const gkeKinds = objects('overlay gke').map((o) => o.kind);
    expect(gkeKinds).toEqual(expect.arrayContaining(['MirrordKafkaClientConfig', 'MirrordKafkaTopicsConsumer']));
    for (const [name, list] of rendered) {
      const kinds = new Set(list.map((o) => o.kind));
      expect(kinds.has('MirrordKafkaTopicsConsumer') && kinds.has('MirrordSplitConfig'), name).toBe(false);
    }
    expect(objects('overlay minikube').some((o) => o.apiVersion.includes('mirrord'))).toBe(false);
  });

  it('runs images built inside minikube there, and registry images on GKE (Kafka from Docker Hub on both)', () => {
    const ours = (list: K8sObject[]) =>
      (
        list.filter((o) => o.kind === 'Deployment' && o.metadata.name !== KAFKA_DEPLOYMENT) as unknown as IDeployment[]
      ).map((d) => podSpecOf(d).containers[0]);
    expect(ours(objects('overlay minikube')).length).toBeGreaterThanOrEqual(3);
    for (const overlay of ['overlay minikube', 'overlay gke']) {
      const kafka = podSpecOf(find(objects(overlay), 'Deployment', KAFKA_DEPLOYMENT) as unknown as IDeployment)
        .containers[0];
      expect(kafka?.image, overlay).toMatch(/^apache\/kafka:/);
      expect(kafka?.imagePullPolicy ?? 'IfNotPresent', `${overlay}: minikube must pull Kafka`).toBe('IfNotPresent');
    }
    for (const c of ours(objects('overlay minikube'))) {
      expect(c?.image, c?.name).toMatch(/^metalmart\/[a-z-]+:dev$/);
      expect(c?.imagePullPolicy, c?.name).toBe('Never');
    }
    for (const c of ours(objects('overlay gke'))) {
      expect(c?.image, c?.name).toMatch(/^[a-z0-9-]+-docker\.pkg\.dev\/[a-z0-9-]+\/metalmart\/[a-z-]+:[\w.-]+$/);
      expect(c?.imagePullPolicy, c?.name).toBe('IfNotPresent');
    }
  });

  it('scales the processor with KEDA between the minimum of 2 and the partition count', () => {
    const keda = objects('base + component keda-autoscaling');
    const scaled = find(keda, 'ScaledObject', SERVICES.processor.name);
    find(keda, 'Deployment', scaled.spec.scaleTargetRef.name);
    expect(scaled.spec.minReplicaCount).toBeGreaterThanOrEqual(2);
    expect(scaled.spec.maxReplicaCount).toBeLessThanOrEqual(TOPIC_PARTITIONS);
    expect(scaled.spec.triggers[0].metadata).toMatchObject({
      consumerGroup: ORDER_PROCESSOR_GROUP,
      topic: ORDER_CREATED_TOPIC,
      bootstrapServers: `kafka.${NAMESPACE}.svc.cluster.local:9092`,
    });
  });
});

// ── Custom resources: their CRDs are not public schemas we can load offline, so their shape is checked here,
// field by field, from the mirrord and KEDA reference docs. Each returns the list of problems.

type Check = (o: K8sObject) => string[];

function unknownKeys(value: unknown, allowed: string[], where: string): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [`${where} must be an object`];
  return Object.keys(value)
    .filter((k) => !allowed.includes(k))
    .map((k) => `${where}.${k} is not a known field`);
}

function nonEmptyString(value: unknown, where: string): string[] {
  return typeof value === 'string' && value.length > 0 ? [] : [`${where} must be a non-empty string`];
}

function nonEmptyList(value: unknown, where: string): unknown[] | string {
  return Array.isArray(value) && value.length > 0 ? value : `${where} must be a non-empty list`;
}

function properties(spec: K8sObject['spec'], where: string): string[] {
  const list = nonEmptyList(spec?.properties, `${where}.properties`);
  if (typeof list === 'string') return [list];
  return list.flatMap((p, i) => [
    ...unknownKeys(p, ['name', 'value', 'valueFrom'], `${where}.properties[${i}]`),
    ...nonEmptyString((p as { name?: unknown }).name, `${where}.properties[${i}].name`),
  ]);
}

const checkTopicsConsumer: Check = (o) => {
  const spec = o.spec;
  const problems = [
    ...unknownKeys(
      spec,
      ['consumerApiVersion', 'consumerKind', 'consumerName', 'topics', 'consumerRestartTimeout', 'splitTtl'],
      'spec',
    ),
    ...nonEmptyString(spec?.consumerApiVersion, 'spec.consumerApiVersion'),
    ...nonEmptyString(spec?.consumerName, 'spec.consumerName'),
    ...(['Deployment', 'StatefulSet', 'Rollout'].includes(spec?.consumerKind) ? [] : ['spec.consumerKind']),
  ];
  const topics = nonEmptyList(spec?.topics, 'spec.topics');
  if (typeof topics === 'string') return [...problems, topics];
  for (const [i, topic] of topics.entries()) {
    const at = `spec.topics[${i}]`;
    const t = topic as Record<string, unknown>;
    problems.push(
      ...unknownKeys(t, ['id', 'clientConfig', 'nameSources', 'groupIdSources', 'applicationIdSources'], at),
    );
    problems.push(...nonEmptyString(t.id, `${at}.id`), ...nonEmptyString(t.clientConfig, `${at}.clientConfig`));
    for (const key of ['nameSources', 'groupIdSources']) {
      const sources = nonEmptyList(t[key], `${at}.${key}`);
      if (typeof sources === 'string') {
        problems.push(sources);
        continue;
      }
      for (const [j, source] of sources.entries()) {
        const direct = (source as { directEnvVar?: unknown }).directEnvVar;
        problems.push(...unknownKeys(source, ['directEnvVar'], `${at}.${key}[${j}]`));
        problems.push(...unknownKeys(direct, ['container', 'variable'], `${at}.${key}[${j}].directEnvVar`));
        const d = (direct ?? {}) as Record<string, unknown>;
        problems.push(...nonEmptyString(d.container, `${at}.${key}[${j}].container`));
        problems.push(...nonEmptyString(d.variable, `${at}.${key}[${j}].variable`));
      }
    }
  }
  return problems;
};

const checkSplitConfig: Check = (o) => {
  const spec = o.spec;
  const problems = [
    ...unknownKeys(spec, ['targetRef', 'queues', 'clientConfigs', 'restart', 'ttl', 'drainTimeout'], 'spec'),
    ...unknownKeys(spec?.targetRef, ['apiVersion', 'kind', 'name'], 'spec.targetRef'),
    ...(['Deployment', 'StatefulSet', 'Rollout'].includes(spec?.targetRef?.kind) ? [] : ['spec.targetRef.kind']),
    ...nonEmptyString(spec?.targetRef?.name, 'spec.targetRef.name'),
  ];
  const queues = nonEmptyList(spec?.queues, 'spec.queues');
  if (typeof queues === 'string') return [...problems, queues];
  for (const [i, queue] of queues.entries()) {
    const at = `spec.queues[${i}]`;
    const q = queue as Record<string, unknown>;
    const app = (q.appConfig ?? {}) as Record<string, unknown>;
    problems.push(...unknownKeys(q, ['id', 'kind', 'clientConfig', 'appConfig'], at));
    problems.push(...nonEmptyString(q.id, `${at}.id`), ...nonEmptyString(q.clientConfig, `${at}.clientConfig`));
    if (q.kind !== 'kafka') problems.push(`${at}.kind must be kafka`);
    problems.push(...unknownKeys(app, ['topic', 'groupId', 'appId'], `${at}.appConfig`));
    if (typeof nonEmptyList(app.topic, '') === 'string')
      problems.push(`${at}.appConfig.topic must be a non-empty list`);
    if ((app.groupId === undefined) === (app.appId === undefined)) {
      problems.push(`${at}.appConfig needs exactly one of groupId and appId`);
    }
    for (const key of ['topic', 'groupId'] as const) {
      for (const [j, source] of ((app[key] as unknown[]) ?? []).entries()) {
        problems.push(
          ...unknownKeys(
            source,
            ['env', 'envLike', 'fallback', 'containers', 'valueSelector', 'valuePattern'],
            `${at}.appConfig.${key}[${j}]`,
          ),
        );
      }
    }
  }
  return problems;
};

const checkScaledObject: Check = (o) => {
  const spec = o.spec;
  const problems = [
    ...unknownKeys(
      spec,
      [
        'scaleTargetRef',
        'minReplicaCount',
        'maxReplicaCount',
        'pollingInterval',
        'cooldownPeriod',
        'triggers',
        'advanced',
      ],
      'spec',
    ),
    ...nonEmptyString(spec?.scaleTargetRef?.name, 'spec.scaleTargetRef.name'),
    ...(Number.isInteger(spec?.minReplicaCount) && spec.minReplicaCount <= spec?.maxReplicaCount
      ? []
      : ['spec.minReplicaCount ≤ spec.maxReplicaCount (integers)']),
  ];
  const triggers = nonEmptyList(spec?.triggers, 'spec.triggers');
  if (typeof triggers === 'string') return [...problems, triggers];
  for (const [i, trigger] of triggers.entries()) {
    const t = trigger as { type?: unknown; metadata?: Record<string, unknown> };
    if (t.type !== 'kafka') problems.push(`spec.triggers[${i}].type must be kafka`);
    for (const key of ['bootstrapServers', 'consumerGroup', 'topic', 'lagThreshold']) {
      // KEDA trigger metadata values are strings.
      problems.push(...nonEmptyString(t.metadata?.[key], `spec.triggers[${i}].metadata.${key}`));
    }
  }
  return problems;
};

const customResourceChecks: Record<string, Check> = {
  'queues.mirrord.metalbear.co/v1alpha/MirrordKafkaClientConfig': (o) => [
    ...unknownKeys(o.spec, ['properties', 'parent', 'loadFromSecret', 'authenticationExtra'], 'spec'),
    ...properties(o.spec, 'spec'),
    ...(o.spec?.properties?.some((p: { name: string }) => p.name === 'group.id')
      ? ['group.id is set by the operator']
      : []),
  ],
  'queues.mirrord.metalbear.co/v1alpha/MirrordKafkaTopicsConsumer': checkTopicsConsumer,
  'queues.mirrord.metalbear.co/v1/MirrordSplitConfig': checkSplitConfig,
  'mirrord.metalbear.co/v1/MirrordPropertyList': (o) => [
    ...unknownKeys(o.spec, ['properties'], 'spec'),
    ...properties(o.spec, 'spec'),
  ],
  'keda.sh/v1alpha1/ScaledObject': checkScaledObject,
};
