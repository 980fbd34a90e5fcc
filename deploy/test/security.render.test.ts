// What every rendering must hold for any pod to run safely: the namespace, a non-root read-only sandbox with
// probes and resource limits, Secret and ConfigMap references that resolve, and no real secret committed.
import { describe, expect, it } from 'vitest';
import { readRepoFile } from './support/files.ts';
import {
  findConfigMap,
  findNamespace,
  MIRRORD_NAMESPACE,
  NAMESPACE,
  podSpecOf,
  secretsOf,
  workloads,
} from './support/manifests.ts';
import { renderEverything } from './support/renderings.ts';

const rendered = renderEverything();

describe('namespace and pod sandbox', () => {
  it('puts everything in namespace metalmart (the Kafka client config: in the operator namespace mirrord)', () => {
    for (const [name, list] of rendered.all()) {
      expect(findNamespace(list, NAMESPACE).metadata?.name).toBe(NAMESPACE);
      for (const o of list.filter((o) => o.kind !== 'Namespace')) {
        const expected = o.kind === 'MirrordKafkaClientConfig' ? MIRRORD_NAMESPACE : NAMESPACE;
        expect(o.metadata.namespace, `${name}: ${o.kind}/${o.metadata.name}`).toBe(expected);
      }
    }
  });

  it('gives every container probes (Jobs excepted), requests and limits, and a non-root read-only sandbox', () => {
    for (const [name, list] of rendered.all()) {
      for (const workload of workloads(list)) {
        const pod = podSpecOf(workload);
        const where = `${name}: ${workload.kind}/${workload.metadata?.name}`;
        expect(pod.automountServiceAccountToken, where).toBe(false);
        expect(pod.enableServiceLinks, `${where}: service links would inject KAFKA_PORT etc.`).toBe(false);
        expect(pod.securityContext?.runAsNonRoot, where).toBe(true);
        expect(pod.securityContext?.runAsUser, where).toBeGreaterThan(0);
        expect(pod.securityContext?.seccompProfile?.type, where).toBe('RuntimeDefault');
        const claimTemplates = workload.kind === 'StatefulSet' ? (workload.spec?.volumeClaimTemplates ?? []) : [];
        const volumes = new Set([
          ...(pod.volumes ?? []).map((v) => v.name),
          ...claimTemplates.map((v) => v.metadata?.name),
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
});

describe('secrets and config references', () => {
  it('resolves every Secret and ConfigMap reference, or documents how to create the Secret (GKE)', () => {
    const deployDoc = readRepoFile('docs/deploy.md');
    for (const [name, list] of rendered.all()) {
      for (const workload of workloads(list)) {
        for (const c of podSpecOf(workload).containers) {
          for (const e of c.env ?? []) {
            const secret = e.valueFrom?.secretKeyRef;
            const configMap = e.valueFrom?.configMapKeyRef;
            if (configMap) {
              const cm = findConfigMap(list, configMap.name ?? '');
              expect(cm.data, `${name}: ${configMap.name}`).toHaveProperty([configMap.key]);
            }
            if (!secret) continue;
            const object = secretsOf(list).find((s) => s.metadata?.name === secret.name);
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
    for (const [name, list] of rendered.all()) {
      for (const secret of secretsOf(list)) {
        expect(secret.metadata, `${name}: ${secret.metadata?.name}`).toHaveProperty(
          ['annotations', 'metalmart.dev/local-demo-values'],
          'true',
        );
        const values = Object.values(secret.stringData ?? {});
        expect(
          values.every((v) => v === 'metalmart' || v.startsWith('local-demo-only-')),
          name,
        ).toBe(true);
      }
    }
    expect(secretsOf(rendered.overlay('gke'))).toEqual([]);
  });
});
