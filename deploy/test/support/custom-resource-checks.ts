// The mirrord and KEDA custom resources: their CRDs are not public schemas we can load offline, so their shape
// is checked here, field by field, from the mirrord and KEDA reference docs. Each check returns the list of
// problems (empty: the object is well formed).
import type { Manifest } from './manifests.ts';

/** A check reads a spec of unknown shape: that shape is what it checks. */
// biome-ignore lint/suspicious/noExplicitAny: the one place that reads fields before they are known to exist
type Unchecked = any;

export type Check = (o: Manifest) => string[];

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

function properties(spec: Unchecked, where: string): string[] {
  const list = nonEmptyList(spec?.properties, `${where}.properties`);
  if (typeof list === 'string') return [list];
  return list.flatMap((p, i) => [
    ...unknownKeys(p, ['name', 'value', 'valueFrom'], `${where}.properties[${i}]`),
    ...nonEmptyString((p as { name?: unknown }).name, `${where}.properties[${i}].name`),
  ]);
}

export const checkKafkaClientConfig: Check = (o) => {
  const spec: Unchecked = o.spec;
  return [
    ...unknownKeys(spec, ['properties', 'parent', 'loadFromSecret', 'authenticationExtra'], 'spec'),
    ...properties(spec, 'spec'),
    ...(spec?.properties?.some((p: { name: string }) => p.name === 'group.id')
      ? ['group.id is set by the operator']
      : []),
  ];
};

export const checkPropertyList: Check = (o) => [
  ...unknownKeys(o.spec, ['properties'], 'spec'),
  ...properties(o.spec, 'spec'),
];

export const checkTopicsConsumer: Check = (o) => {
  const spec: Unchecked = o.spec;
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

export const checkSplitConfig: Check = (o) => {
  const spec: Unchecked = o.spec;
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

export const checkScaledObject: Check = (o) => {
  const spec: Unchecked = o.spec;
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
    ...(Number.isInteger(spec?.minReplicaCount) &&
    Number.isInteger(spec?.maxReplicaCount) &&
    spec.minReplicaCount <= spec.maxReplicaCount
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
