// Renders every kustomize overlay (and every component on top of the base) with the pinned kustomize,
// validates each Kubernetes object against the Kubernetes OpenAPI schemas (kubernetes-models, offline) and
// checks the mirrord and KEDA custom resources by hand.
import { basename } from 'node:path';
import { Deployment } from 'kubernetes-models/apps/v1';
import { Job } from 'kubernetes-models/batch/v1';
import { describe, expect, it } from 'vitest';
import { customResourceChecks, findCustom, kafkaTopicsConsumer } from './support/custom-resources.ts';
import { readRepoFile } from './support/files.ts';
import { builtInValidators, findDeployment, findJob, podSpecOf } from './support/manifests.ts';
import { componentDirs, overlayDirs, renderEverything } from './support/renderings.ts';

const rendered = renderEverything();

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
    expect(rendered.all().length).toBe(overlayDirs.length + componentDirs.length);
    for (const [name, list] of rendered.all()) {
      expect(list.length, name).toBeGreaterThan(5);
      for (const o of list) {
        expect(typeof o.apiVersion, `${name}: apiVersion`).toBe('string');
        expect(o.metadata.name, `${name}: ${o.kind} without a name`).toMatch(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/);
      }
    }
  });
});

describe('schemas', () => {
  it('validates every built-in object against the Kubernetes OpenAPI schema', () => {
    let validated = 0;
    for (const [name, list] of rendered.all()) {
      for (const o of list) {
        const validate = builtInValidators.get(`${o.apiVersion}/${o.kind}`);
        if (!validate) {
          expect([...customResourceChecks.keys()], `${name}: nothing validates ${o.apiVersion}/${o.kind}`).toContain(
            `${o.apiVersion}/${o.kind}`,
          );
          continue;
        }
        expect(() => validate(o), `${name}: ${o.kind}/${o.metadata.name}`).not.toThrow();
        validated++;
      }
    }
    expect(validated).toBeGreaterThan(20);
  });

  it('uses a validator that rejects broken objects (so the check above means something)', () => {
    const deployment = structuredClone(findDeployment(rendered.overlay('minikube'), 'order-service'));
    // Reflect: wrong types past the type checker, on purpose.
    Reflect.set(podSpecOf(deployment).containers[0]?.ports?.[0] ?? {}, 'containerPort', 'http');
    expect(() => new Deployment(deployment).validate()).toThrow(/containerPort/);
    const job = structuredClone(findJob(rendered.overlay('minikube'), 'kafka-topics'));
    Reflect.deleteProperty(job.spec ?? {}, 'template');
    expect(() => new Job(job).validate()).toThrow(/template/);
  });

  it('checks every custom resource by hand (mirrord operator, KEDA)', () => {
    let checked = 0;
    for (const [name, list] of rendered.all()) {
      for (const o of list) {
        const check = customResourceChecks.get(`${o.apiVersion}/${o.kind}`);
        if (!check) continue;
        expect(check(o), `${name}: ${o.kind}/${o.metadata.name}`).toEqual([]);
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(5);
    // And the hand checks do reject mistakes.
    const consumer = structuredClone(findCustom(rendered.overlay('gke'), kafkaTopicsConsumer, 'order-processor'));
    const topic = consumer.spec.topics[0] ?? {};
    Reflect.deleteProperty(topic, 'groupIdSources');
    Reflect.set(topic, 'nameSource', Reflect.get(topic, 'nameSources'));
    expect(kafkaTopicsConsumer.check(consumer)).toEqual(
      expect.arrayContaining([expect.stringMatching(/groupIdSources/), expect.stringMatching(/nameSource/)]),
    );
  });
});
