// The mirrord operator and KEDA resources, typed with the fields the tests read. An object only gets its
// type after passing its hand check (custom-resource-checks.ts), so the types are claims the checks back.
import {
  type Check,
  checkKafkaClientConfig,
  checkPropertyList,
  checkScaledObject,
  checkSplitConfig,
  checkTopicsConsumer,
} from './custom-resource-checks.ts';
import { findManifest, type Manifest } from './manifests.ts';

type WorkloadKind = 'Deployment' | 'StatefulSet' | 'Rollout';
type Property = { name: string; value?: unknown; valueFrom?: unknown };
type DirectEnvVar = { directEnvVar: { container: string; variable: string } };

export type MirrordKafkaClientConfig = Manifest & { spec: { properties: Property[] } };
export type MirrordPropertyList = Manifest & { spec: { properties: Property[] } };
export type MirrordKafkaTopicsConsumer = Manifest & {
  spec: {
    consumerApiVersion: string;
    consumerKind: WorkloadKind;
    consumerName: string;
    topics: { id: string; clientConfig: string; nameSources: DirectEnvVar[]; groupIdSources: DirectEnvVar[] }[];
  };
};
export type MirrordSplitConfig = Manifest & {
  spec: {
    targetRef: { apiVersion?: string; kind: WorkloadKind; name: string };
    queues: { id: string; kind: 'kafka'; clientConfig: string; appConfig: { topic: unknown[]; groupId?: unknown[] } }[];
  };
};
export type ScaledObject = Manifest & {
  spec: {
    scaleTargetRef: { name: string };
    minReplicaCount: number;
    maxReplicaCount: number;
    triggers: {
      type: 'kafka';
      metadata: Record<'bootstrapServers' | 'consumerGroup' | 'topic' | 'lagThreshold', string>;
    }[];
  };
};

export interface CustomResource<T extends Manifest> {
  apiVersion: string;
  kind: string;
  check: Check;
  is(o: Manifest): o is T;
}

function customResource<T extends Manifest>(apiVersion: string, kind: string, check: Check): CustomResource<T> {
  return {
    apiVersion,
    kind,
    check,
    is: (o): o is T => o.apiVersion === apiVersion && o.kind === kind && check(o).length === 0,
  };
}

export const kafkaClientConfig = customResource<MirrordKafkaClientConfig>(
  'queues.mirrord.metalbear.co/v1alpha',
  'MirrordKafkaClientConfig',
  checkKafkaClientConfig,
);
export const kafkaTopicsConsumer = customResource<MirrordKafkaTopicsConsumer>(
  'queues.mirrord.metalbear.co/v1alpha',
  'MirrordKafkaTopicsConsumer',
  checkTopicsConsumer,
);
export const splitConfig = customResource<MirrordSplitConfig>(
  'queues.mirrord.metalbear.co/v1',
  'MirrordSplitConfig',
  checkSplitConfig,
);
export const propertyList = customResource<MirrordPropertyList>(
  'mirrord.metalbear.co/v1',
  'MirrordPropertyList',
  checkPropertyList,
);
export const scaledObject = customResource<ScaledObject>('keda.sh/v1alpha1', 'ScaledObject', checkScaledObject);

/** The hand check of every custom resource kind the manifests may use, by `apiVersion/kind`. */
export const customResourceChecks = new Map<string, Check>(
  [kafkaClientConfig, kafkaTopicsConsumer, splitConfig, propertyList, scaledObject].map((r) => [
    `${r.apiVersion}/${r.kind}`,
    r.check,
  ]),
);

/** A custom resource by kind and name, typed once its hand check passes (or an error listing the problems). */
export function findCustom<T extends Manifest>(list: Manifest[], resource: CustomResource<T>, name: string): T {
  const found = findManifest(list, resource.kind, name);
  if (!resource.is(found)) {
    const problems = resource.check(found);
    throw new Error(`${resource.kind}/${name} (${found.apiVersion}): ${problems.join('; ') || 'another apiVersion'}`);
  }
  return found;
}
