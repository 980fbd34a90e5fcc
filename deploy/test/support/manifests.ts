// Typed finders over rendered manifests. kustomize hands back plain objects; kubernetes-models' own type
// guards (`Deployment.is`: apiVersion and kind) turn them into its typed interfaces, so the tests read
// `spec?.replicas` with types and need no casts.
import { Deployment, type IDeployment, type IStatefulSet, StatefulSet } from 'kubernetes-models/apps/v1';
import { type IJob, Job } from 'kubernetes-models/batch/v1';
import { type IPodDisruptionBudget, PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import {
  ConfigMap,
  type IConfigMap,
  type IContainer,
  type IEnvVar,
  type INamespace,
  type IPersistentVolumeClaim,
  type IPodSpec,
  type ISecret,
  type IService,
  Namespace,
  PersistentVolumeClaim,
  Secret,
  Service,
} from 'kubernetes-models/v1';

/** Names the demo's commands and services rely on. */
export const NAMESPACE = 'metalmart';
/** The mirrord operator reads its Kafka client config from its own namespace. */
export const MIRRORD_NAMESPACE = 'mirrord';
export const TOPIC_PARTITIONS = 6;
/** The seed walkthrough's `kubectl exec -n metalmart deploy/kafka -- kafka-topics …` needs exactly this. */
export const KAFKA_DEPLOYMENT = 'kafka';

/** What every rendered object has; the rest is checked by the finders and the schema tests. */
export type Manifest = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [key: string]: unknown };
  [key: string]: unknown;
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** One parsed YAML document as a Manifest, or an error naming what is missing. */
export function toManifest(value: Record<string, unknown>, where: string): Manifest {
  const { apiVersion, kind, metadata } = value;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') throw new Error(`${where}: no apiVersion or kind`);
  if (!isRecord(metadata) || typeof metadata.name !== 'string') throw new Error(`${where}: ${kind} without a name`);
  const namespace = typeof metadata.namespace === 'string' ? metadata.namespace : undefined;
  return { ...value, apiVersion, kind, metadata: { ...metadata, name: metadata.name, namespace } };
}

/** A kubernetes-models class: its type guard, and a constructor whose `validate()` checks the OpenAPI schema. */
interface Model<T> {
  apiVersion: string;
  kind: string;
  is(value: unknown): value is T;
  new (data: T): { validate(): void };
}

function validator<T>(model: Model<T>): [string, (o: Manifest) => void] {
  return [
    `${model.apiVersion}/${model.kind}`,
    (o) => {
      if (model.is(o)) new model(o).validate();
    },
  ];
}

/** Schema validation of every built-in kind the manifests use, by `apiVersion/kind`. */
export const builtInValidators = new Map([
  validator(Namespace),
  validator(ConfigMap),
  validator(Secret),
  validator(Service),
  validator(PersistentVolumeClaim),
  validator(Deployment),
  validator(StatefulSet),
  validator(Job),
  validator(PodDisruptionBudget),
]);

/** Every object of one kind, typed. */
export function allOf<T>(list: Manifest[], model: Model<T>): T[] {
  const found: T[] = [];
  for (const o of list) if (model.is(o)) found.push(o);
  return found;
}

/** Any object by kind and name, untyped: for kinds named by another object (a consumer's `consumerKind`). */
export function findManifest(list: Manifest[], kind: string, name: string): Manifest {
  const found = list.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`${kind}/${name} is not in the rendered manifests`);
  return found;
}

function findOf<T extends { metadata?: { name?: string } }>(list: Manifest[], model: Model<T>, name: string): T {
  const found = allOf(list, model).find((o) => o.metadata?.name === name);
  if (!found) throw new Error(`${model.kind}/${name} is not in the rendered manifests`);
  return found;
}

export const findNamespace = (list: Manifest[], name: string): INamespace => findOf(list, Namespace, name);
export const findConfigMap = (list: Manifest[], name: string): IConfigMap => findOf(list, ConfigMap, name);
export const findService = (list: Manifest[], name: string): IService => findOf(list, Service, name);
export const findClaim = (list: Manifest[], name: string): IPersistentVolumeClaim =>
  findOf(list, PersistentVolumeClaim, name);
export const findDeployment = (list: Manifest[], name: string): IDeployment => findOf(list, Deployment, name);
export const findStatefulSet = (list: Manifest[], name: string): IStatefulSet => findOf(list, StatefulSet, name);
export const findJob = (list: Manifest[], name: string): IJob => findOf(list, Job, name);
export const findDisruptionBudget = (list: Manifest[], name: string): IPodDisruptionBudget =>
  findOf(list, PodDisruptionBudget, name);
export const secretsOf = (list: Manifest[]): ISecret[] => allOf(list, Secret);
export const servicesOf = (list: Manifest[]): IService[] => allOf(list, Service);
export const deploymentsOf = (list: Manifest[]): IDeployment[] => allOf(list, Deployment);

export type Workload = IDeployment | IStatefulSet | IJob;

/** The objects that run pods, in rendering order. */
export function workloads(list: Manifest[]): Workload[] {
  return list.filter((o): o is Manifest & Workload => Deployment.is(o) || StatefulSet.is(o) || Job.is(o));
}

export function podSpecOf(workload: Workload): IPodSpec {
  const spec = workload.spec?.template.spec;
  if (!spec) throw new Error(`${workload.kind}/${workload.metadata?.name} has no pod template`);
  return spec;
}

/** The container named like its pod (the project's convention for single-container pods). */
export function containerNamed(pod: IPodSpec, name: string): IContainer {
  const container = pod.containers.find((c) => c.name === name);
  if (!container) throw new Error(`no container named ${name}`);
  return container;
}

/** The main container of a Deployment: the one named like the Deployment. */
export function containerOf(list: Manifest[], deployment: string): IContainer {
  return containerNamed(podSpecOf(findDeployment(list, deployment)), deployment);
}

export function envOf(container: IContainer): Map<string, IEnvVar> {
  return new Map((container.env ?? []).map((e) => [e.name, e]));
}

/** An env var set as a literal value (not from a Secret or ConfigMap). */
export function plainValue(container: IContainer, name: string): string {
  const variable = envOf(container).get(name);
  if (variable?.value === undefined) throw new Error(`${container.name}: ${name} is not a plain value`);
  return variable.value;
}
