// Kafka in every rendering, in its two topologies: the seed's single broker (a Deployment on a claim, settings
// for one node) and the production cluster (components/kafka-cluster: a StatefulSet of three KRaft nodes, one
// per Kubernetes node, factor 3 / min ISR 2). Both: addresses that resolve from other namespaces, the CLI tools
// the walkthrough execs, and the topics Job.
import { deadLetterTopicOf, ORDER_CREATED_TOPIC } from '@metalmart/contracts';
import type { IService } from 'kubernetes-models/v1';
import { describe, expect, it } from 'vitest';
import { readRepoFile } from './support/files.ts';
import {
  containerNamed,
  envOf,
  findClaim,
  findConfigMap,
  findDeployment,
  findDisruptionBudget,
  findJob,
  findService,
  findStatefulSet,
  KAFKA_DEPLOYMENT,
  type Manifest,
  NAMESPACE,
  plainValue,
  podSpecOf,
  TOPIC_PARTITIONS,
} from './support/manifests.ts';
import { renderEverything } from './support/renderings.ts';

const rendered = renderEverything();

/** The renderings with the three-node cluster (the StatefulSet kafka) and those with the seed's single broker. */
const isCluster = (list: Manifest[]) => list.some((o) => o.kind === 'StatefulSet' && o.metadata.name === 'kafka');
const singles = () => rendered.all().filter(([, list]) => !isCluster(list));
const clusters = () => rendered.all().filter(([, list]) => isCluster(list));
const kafkaWorkload = (list: Manifest[]) =>
  isCluster(list) ? findStatefulSet(list, 'kafka') : findDeployment(list, KAFKA_DEPLOYMENT);

describe('Kafka broker', () => {
  it('keeps the seed demo on one broker (minikube, GKE) and runs the production overlay on the cluster', () => {
    expect(singles().map(([name]) => name)).toEqual(expect.arrayContaining(['overlay minikube', 'overlay gke']));
    expect(
      clusters()
        .map(([name]) => name)
        .sort(),
    ).toEqual(['base + component kafka-cluster', 'overlay production']);
  });

  it('runs the single broker as the Deployment kafka (one pod, Recreate) with its data on a PersistentVolumeClaim', () => {
    for (const [name, list] of singles()) {
      // `kubectl exec deploy/kafka` resolves a Deployment only: no StatefulSet (or anything else) may take the name.
      expect(
        list.filter((o) => o.metadata.name === KAFKA_DEPLOYMENT && ['StatefulSet', 'Deployment'].includes(o.kind)),
        name,
      ).toEqual([expect.objectContaining({ kind: 'Deployment' })]);
      const kafka = findDeployment(list, KAFKA_DEPLOYMENT);
      expect(kafka.spec?.replicas, name).toBe(1);
      // One broker on a ReadWriteOnce volume: the old pod must be gone before the new one starts.
      expect(kafka.spec?.strategy, name).toEqual({ type: 'Recreate' });
      const pod = podSpecOf(kafka);
      const container = containerNamed(pod, 'kafka');
      expect(container.image, name).toMatch(/^apache\/kafka:4\.\d+\.\d+$/);
      const dataMount = container.volumeMounts?.find((m) => m.mountPath === '/var/lib/kafka/data');
      const dataVolume = pod.volumes?.find((v) => v.name === dataMount?.name);
      const claimName = dataVolume?.persistentVolumeClaim?.claimName;
      expect(claimName, `${name}: /var/lib/kafka/data is not on a PersistentVolumeClaim`).toBeDefined();
      expect(dataVolume?.persistentVolumeClaim?.readOnly, name).not.toBe(true);
      const claim = findClaim(list, claimName ?? '');
      expect(claim.spec?.accessModes, name).toEqual(['ReadWriteOnce']);
      expect(claim.spec?.resources?.requests?.storage, name).toMatch(/^\d+Gi$/);
      // Same broker settings as before: the ConfigMap's server.properties, formatted on first start.
      const args = [...(container.command ?? []), ...(container.args ?? [])].join('\n');
      expect(args, name).toContain('kafka-storage.sh format --standalone --ignore-formatted');
      expect(args, name).toMatch(
        /exec \/opt\/kafka\/bin\/kafka-server-start\.sh \/etc\/metalmart\/kafka\/server\.properties/,
      );
      const configMount = container.volumeMounts?.find((m) => m.mountPath === '/etc/metalmart/kafka');
      expect(pod.volumes?.find((v) => v.name === configMount?.name)?.configMap?.name, name).toBe('kafka-config');
      expect(envOf(container).get('CLUSTER_ID')?.valueFrom?.configMapKeyRef, name).toEqual({
        name: 'kafka-config',
        key: 'CLUSTER_ID',
      });
      const properties = findConfigMap(list, 'kafka-config').data?.['server.properties'];
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
      const headless = findService(list, 'kafka-headless');
      expect(headless.spec?.clusterIP, name).toBe('None');
      expect(headless.spec?.publishNotReadyAddresses, name).toBe(true);
      expect(selects(headless), `${name}: kafka-headless selects the broker pod`).toBe(true);
      const bootstrap = findService(list, 'kafka');
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
      findClaim(rendered.overlay(overlay), 'kafka-data').spec?.resources?.requests?.storage;
    expect(claims('gke')).toBe('20Gi');
    expect(claims('minikube')).toBe('5Gi');
  });

  it('runs the cluster as a StatefulSet of three KRaft nodes, one per Kubernetes node, each on its own claim', () => {
    for (const [name, list] of clusters()) {
      expect(
        list.filter(
          (o) => o.metadata.name === 'kafka-data' || (o.kind === 'Deployment' && o.metadata.name === 'kafka'),
        ),
        `${name}: the single broker's Deployment and claim are gone`,
      ).toEqual([]);
      const kafka = findStatefulSet(list, 'kafka');
      expect(kafka.spec?.replicas, name).toBe(3);
      expect(kafka.spec?.serviceName, name).toBe('kafka-headless');
      // A node opens its broker port only once two controllers are up: OrderedReady would wait for ever on kafka-0.
      expect(kafka.spec?.podManagementPolicy, name).toBe('Parallel');
      expect(kafka.spec?.updateStrategy?.type, name).toBe('RollingUpdate');
      const claim = kafka.spec?.volumeClaimTemplates?.[0];
      expect(claim?.spec?.accessModes, name).toEqual(['ReadWriteOnce']);
      const pod = podSpecOf(kafka);
      const container = containerNamed(pod, 'kafka');
      expect(container.volumeMounts?.find((m) => m.mountPath === '/var/lib/kafka/data')?.name, name).toBe(
        claim?.metadata?.name,
      );
      const podLabels = kafka.spec?.template.metadata?.labels ?? {};
      const antiAffinity = pod.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? [];
      expect(
        antiAffinity.some(
          (term) =>
            term.topologyKey === 'kubernetes.io/hostname' &&
            Object.entries(term.labelSelector?.matchLabels ?? {}).every(([k, v]) => podLabels[k] === v),
        ),
        `${name}: two Kafka nodes never share a Kubernetes node`,
      ).toBe(true);
      const budget = findDisruptionBudget(list, 'kafka');
      expect(budget.spec?.maxUnavailable, name).toBe(1);
      const budgetSelects = Object.entries(budget.spec?.selector?.matchLabels ?? {});
      expect(budgetSelects.length > 0 && budgetSelects.every(([k, v]) => podLabels[k] === v), name).toBe(true);
      const properties = findConfigMap(list, 'kafka-config').data?.['server.properties'] ?? '';
      const setting = (key: string) => new RegExp(`^${key.replaceAll('.', '\\.')}=(.*)$`, 'm').exec(properties)?.[1];
      for (const key of ['offsets.topic.replication.factor', 'share.coordinator.state.topic.replication.factor'])
        expect(setting(key), `${name}: ${key}`).toBe('3');
      for (const key of [
        'transaction.state.log.min.isr',
        'share.coordinator.state.topic.min.isr',
        'min.insync.replicas',
      ])
        expect(setting(key), `${name}: ${key}`).toBe('2');
      expect(setting('default.replication.factor'), name).toBe('3');
      expect(setting('unclean.leader.election.enable'), name).toBe('false');
      // The static quorum names each pod by its stable name under the headless Service.
      expect(setting('controller.quorum.voters'), name).toBe(
        [0, 1, 2].map((i) => `${i + 1}@kafka-${i}.kafka-headless.${NAMESPACE}.svc.cluster.local:9093`).join(','),
      );
      // Each pod fills in its node id (ordinal + 1) and its own address, formats without --standalone (the voters
      // are the quorum) and starts from that file.
      const script = [...(container.command ?? []), ...(container.args ?? [])].join('\n');
      expect(script, name).toContain('node.id=$((ordinal + 1))');
      expect(script, name).toContain(
        `advertised.listeners=PLAINTEXT://$HOSTNAME.kafka-headless.${NAMESPACE}.svc.cluster.local:9092`,
      );
      expect(script, name).toMatch(/kafka-storage\.sh format --ignore-formatted/);
      expect(script, name).not.toContain('--standalone');
      const headless = findService(list, 'kafka-headless');
      expect(headless.spec?.publishNotReadyAddresses, `${name}: the quorum forms before any pod is ready`).toBe(true);
      expect(
        Object.entries(headless.spec?.selector ?? {}).every(([k, v]) => podLabels[k] === v),
        name,
      ).toBe(true);
      expect(
        Object.entries(findService(list, 'kafka').spec?.selector ?? {}).every(([k, v]) => podLabels[k] === v),
        name,
      ).toBe(true);
    }
  });

  it('puts `kafka-topics` (and kafka-consumer-groups) on the broker PATH, as in the walkthrough', () => {
    for (const [name, list] of rendered.all()) {
      const pod = podSpecOf(kafkaWorkload(list));
      const container = containerNamed(pod, 'kafka');
      // The container's PATH is the image's (not overridden), which has /usr/local/bin.
      expect(envOf(container).has('PATH'), name).toBe(false);
      const config = findConfigMap(list, 'kafka-config').data ?? {};
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
});

describe('topics', () => {
  it('creates the order topic with 6 partitions and its dead-letter topic (the contracts names)', () => {
    for (const [name, list] of rendered.all()) {
      const pod = podSpecOf(findJob(list, 'kafka-topics'));
      const job = pod.containers[0];
      if (!job) throw new Error(`${name}: the kafka-topics Job has no container`);
      expect(plainValue(job, 'KAFKA_TOPIC'), name).toBe(ORDER_CREATED_TOPIC);
      expect(plainValue(job, 'KAFKA_TOPIC_PARTITIONS'), name).toBe(String(TOPIC_PARTITIONS));
      expect(plainValue(job, 'KAFKA_DLQ_TOPIC'), name).toBe(deadLetterTopicOf(ORDER_CREATED_TOPIC));
      // Single broker, empty: the script picks the smaller of 3 and the brokers (tests/kafka-cluster.int.test.ts
      // runs it). The cluster asks for 3 outright: a Job that ran while one node was starting would settle for 2.
      expect(plainValue(job, 'KAFKA_REPLICATION_FACTOR'), name).toBe(isCluster(list) ? '3' : '');
      // It runs the one script Compose runs too, mounted from the ConfigMap kustomize generates from the file.
      expect([...(job.command ?? []), ...(job.args ?? [])], name).toEqual(['/bin/bash', '/scripts/kafka-topics.sh']);
      const mount = job.volumeMounts?.find((m) => m.mountPath === '/scripts');
      const generated = pod.volumes?.find((v) => v.name === mount?.name)?.configMap?.name ?? '';
      expect(generated, name).toMatch(/^kafka-topics-script-/);
      const script = findConfigMap(list, generated).data?.['kafka-topics.sh'];
      expect(script, name).toBe(readRepoFile('deploy/k8s/base/kafka-topics.sh'));
      expect(script).toMatch(/--create --if-not-exists --topic "\$name" --partitions "\$partitions"/);
    }
  });
});
