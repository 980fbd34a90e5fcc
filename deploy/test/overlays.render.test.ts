// What the overlays and the optional components change: where images come from (minikube, GKE), the mirrord
// operator's queue-splitting resources, and KEDA autoscaling of the processor.
import { HEADERS, ORDER_CREATED_TOPIC, ORDER_PROCESSOR_GROUP } from '@metalmart/contracts';
import { describe, expect, it } from 'vitest';
import {
  findCustom,
  kafkaClientConfig,
  kafkaTopicsConsumer,
  propertyList,
  scaledObject,
  splitConfig,
} from './support/custom-resources.ts';
import { readRepoFile } from './support/files.ts';
import {
  containerOf,
  deploymentsOf,
  envOf,
  findDeployment,
  findManifest,
  KAFKA_DEPLOYMENT,
  type Manifest,
  NAMESPACE,
  podSpecOf,
  TOPIC_PARTITIONS,
} from './support/manifests.ts';
import { renderEverything } from './support/renderings.ts';
import { SERVICES } from './support/services.ts';

const rendered = renderEverything();
const kafkaFqdn = `kafka.${NAMESPACE}.svc.cluster.local:9092`;

describe('overlays', () => {
  it('runs images built inside minikube there, and registry images on GKE (Kafka from Docker Hub on both)', () => {
    const ours = (list: Manifest[]) =>
      deploymentsOf(list)
        .filter((d) => d.metadata?.name !== KAFKA_DEPLOYMENT)
        .map((d) => podSpecOf(d).containers[0]);
    expect(ours(rendered.overlay('minikube')).length).toBeGreaterThanOrEqual(3);
    for (const overlay of ['minikube', 'gke']) {
      const kafka = podSpecOf(findDeployment(rendered.overlay(overlay), KAFKA_DEPLOYMENT)).containers[0];
      expect(kafka?.image, overlay).toMatch(/^apache\/kafka:/);
      expect(kafka?.imagePullPolicy ?? 'IfNotPresent', `${overlay}: minikube must pull Kafka`).toBe('IfNotPresent');
    }
    for (const c of ours(rendered.overlay('minikube'))) {
      expect(c?.image, c?.name).toMatch(/^metalmart\/[a-z-]+:dev$/);
      expect(c?.imagePullPolicy, c?.name).toBe('Never');
    }
    for (const c of ours(rendered.overlay('gke'))) {
      expect(c?.image, c?.name).toMatch(/^[a-z0-9-]+-docker\.pkg\.dev\/[a-z0-9-]+\/metalmart\/[a-z-]+:[\w.-]+$/);
      expect(c?.imagePullPolicy, c?.name).toBe('IfNotPresent');
    }
  });
});

describe('components', () => {
  it('points the mirrord operator resources at the processor, its env vars and the .mirrord queue id', () => {
    const mirrordConfig = JSON.parse(readRepoFile('.mirrord/order-processor.mirrord.json'));
    const queueIds = Object.keys(mirrordConfig.feature.split_queues);
    expect(Object.values(mirrordConfig.feature.split_queues)).toEqual([
      expect.objectContaining({ message_filter: { [HEADERS.customerEmail]: expect.any(String) } }),
    ]);

    const legacy = rendered.component('mirrord-kafka-splitting');
    const consumer = findCustom(legacy, kafkaTopicsConsumer, SERVICES.processor.name);
    expect(consumer.spec.consumerName).toBe(SERVICES.processor.name);
    findManifest(legacy, consumer.spec.consumerKind, consumer.spec.consumerName); // the workload exists
    const processorEnv = envOf(containerOf(legacy, SERVICES.processor.name));
    for (const topic of consumer.spec.topics) {
      expect(queueIds).toContain(topic.id);
      const clientConfig = findCustom(legacy, kafkaClientConfig, topic.clientConfig);
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

    const current = rendered.component('mirrord-split-config');
    const split = findCustom(current, splitConfig, SERVICES.processor.name);
    findManifest(current, split.spec.targetRef.kind, split.spec.targetRef.name);
    for (const queue of split.spec.queues) {
      expect(queueIds).toContain(queue.id);
      const properties = findCustom(current, propertyList, queue.clientConfig);
      expect(properties.metadata.namespace).toBe(NAMESPACE);
      expect(properties.spec.properties).toContainEqual({ name: 'bootstrap.servers', value: kafkaFqdn });
      expect(queue.appConfig.topic).toEqual([{ env: 'KAFKA_TOPIC', containers: [SERVICES.processor.name] }]);
      expect(queue.appConfig.groupId).toEqual([{ env: 'KAFKA_GROUP_ID', containers: [SERVICES.processor.name] }]);
    }

    // GKE (with the operator) gets the legacy pair; never both models at once; minikube neither.
    const gkeKinds = rendered.overlay('gke').map((o) => o.kind);
    expect(gkeKinds).toEqual(expect.arrayContaining(['MirrordKafkaClientConfig', 'MirrordKafkaTopicsConsumer']));
    for (const [name, list] of rendered.all()) {
      const kinds = new Set(list.map((o) => o.kind));
      expect(kinds.has('MirrordKafkaTopicsConsumer') && kinds.has('MirrordSplitConfig'), name).toBe(false);
    }
    expect(rendered.overlay('minikube').some((o) => o.apiVersion.includes('mirrord'))).toBe(false);
  });

  it('scales the processor with KEDA between the minimum of 2 and the partition count', () => {
    const keda = rendered.component('keda-autoscaling');
    const scaled = findCustom(keda, scaledObject, SERVICES.processor.name);
    findDeployment(keda, scaled.spec.scaleTargetRef.name);
    expect(scaled.spec.minReplicaCount).toBeGreaterThanOrEqual(2);
    expect(scaled.spec.maxReplicaCount).toBeLessThanOrEqual(TOPIC_PARTITIONS);
    expect(scaled.spec.triggers[0]?.metadata).toMatchObject({
      consumerGroup: ORDER_PROCESSOR_GROUP,
      topic: ORDER_CREATED_TOPIC,
      bootstrapServers: kafkaFqdn,
    });
  });
});
