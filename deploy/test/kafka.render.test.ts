// The Kafka broker in every rendering: one Deployment on a claim, settings for a single node, addresses that
// resolve from other namespaces, the CLI tools the walkthrough execs, and the topics Job.
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
  findJob,
  findService,
  KAFKA_DEPLOYMENT,
  NAMESPACE,
  plainValue,
  podSpecOf,
  TOPIC_PARTITIONS,
} from './support/manifests.ts';
import { renderEverything } from './support/renderings.ts';

const rendered = renderEverything();

describe('Kafka broker', () => {
  it('runs Kafka as the Deployment kafka (one pod, Recreate) with its data on a PersistentVolumeClaim', () => {
    for (const [name, list] of rendered.all()) {
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

  it('puts `kafka-topics` (and kafka-consumer-groups) on the broker PATH, as in the walkthrough', () => {
    for (const [name, list] of rendered.all()) {
      const pod = podSpecOf(findDeployment(list, KAFKA_DEPLOYMENT));
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
      // Empty: the script picks the smaller of 3 and the brokers (tests/kafka-cluster.int.test.ts runs it).
      expect(plainValue(job, 'KAFKA_REPLICATION_FACTOR'), name).toBe('');
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
