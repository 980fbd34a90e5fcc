// The production overlay: what a team takes to a real cluster. The Kafka cluster itself is checked in
// kafka.render.test.ts; here the Order Service's availability (replicas, disruption budget, spread, rollout),
// the processors scaled by KEDA, and a database URL that can point anywhere.
import { ORDER_PROCESSOR_GROUP } from '@metalmart/contracts';
import { describe, expect, it } from 'vitest';
import { findCustom, scaledObject } from './support/custom-resources.ts';
import {
  containerOf,
  envOf,
  findDeployment,
  findDisruptionBudget,
  findStatefulSet,
  podSpecOf,
  secretsOf,
} from './support/manifests.ts';
import { renderEverything } from './support/renderings.ts';
import { SERVICES } from './support/services.ts';

const rendered = renderEverything();
const production = () => rendered.overlay('production');

describe('production overlay', () => {
  it('runs the Order Service at three replicas, one away at a time, spread over nodes and zones', () => {
    const service = findDeployment(production(), SERVICES.order.name);
    expect(service.spec?.replicas).toBeGreaterThanOrEqual(2);
    // A rollout adds a pod before it removes one: never fewer than the replicas asked for.
    expect(service.spec?.strategy?.rollingUpdate?.maxUnavailable).toBe(0);
    const labels = service.spec?.template.metadata?.labels ?? {};
    const spread = podSpecOf(service).topologySpreadConstraints ?? [];
    expect(spread.map((c) => c.topologyKey).sort()).toEqual(['kubernetes.io/hostname', 'topology.kubernetes.io/zone']);
    for (const c of spread)
      expect(Object.entries(c.labelSelector?.matchLabels ?? {}).every(([k, v]) => labels[k] === v)).toBe(true);
    const budget = findDisruptionBudget(production(), SERVICES.order.name);
    expect(budget.spec?.maxUnavailable).toBe(1);
    const selects = Object.entries(budget.spec?.selector?.matchLabels ?? {});
    expect(selects.length > 0 && selects.every(([k, v]) => labels[k] === v)).toBe(true);
  });

  it('scales the processors with KEDA on the group lag, from two up to the six partitions', () => {
    const scaler = findCustom(production(), scaledObject, SERVICES.processor.name);
    expect(scaler.spec.scaleTargetRef.name).toBe(SERVICES.processor.name);
    expect(scaler.spec.minReplicaCount).toBeGreaterThanOrEqual(2);
    expect(scaler.spec.maxReplicaCount).toBe(6);
    expect(scaler.spec.triggers[0]?.metadata.consumerGroup).toBe(ORDER_PROCESSOR_GROUP);
  });

  it('reads DATABASE_URL whole from a Secret, keeps the seed PostgreSQL, and commits no secret value', () => {
    const env = envOf(containerOf(production(), SERVICES.order.name));
    expect(env.get('DATABASE_URL')?.valueFrom?.secretKeyRef).toEqual({ name: 'order-service-database', key: 'url' });
    expect(findStatefulSet(production(), 'postgres').spec?.replicas).toBe(1);
    expect(secretsOf(production())).toEqual([]);
  });
});
