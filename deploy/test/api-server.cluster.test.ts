// Every overlay applied to a real Kubernetes API server (deploy/test/support/control-plane.ts: etcd,
// kube-apiserver, controller manager and scheduler built from the Go module proxy, kwok faking three nodes):
// the API server, not a schema copy, judges each object — with the custom resource definitions the overlays use
// (KEDA's from its Go module, the mirrord operator's transcribed from its source) — and the controllers roll every
// Deployment, StatefulSet and Job out to its count. The render tests check the shape offline; this checks that a
// cluster takes it.
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prefixedLogger } from '../../dev/src/log.ts';
import {
  type ControlPlane,
  ensureControlPlanePrograms,
  goModuleDir,
  KEDA_MODULE,
  startControlPlane,
} from './support/control-plane.ts';
import { repoPath } from './support/files.ts';
import { kustomizeBuild } from './support/kustomize.ts';
import type { Manifest } from './support/manifests.ts';
import { overlayDirs } from './support/renderings.ts';

const NAMESPACE = 'metalmart';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The CRDs the overlays' custom resources need: KEDA's ScaledObject from its module, the mirrord operator's. */
function customResourceDefinitions(): string {
  const keda = join(goModuleDir(KEDA_MODULE), 'config', 'crd', 'bases', 'keda.sh_scaledobjects.yaml');
  const mirrordDir = repoPath('deploy', 'test', 'control-plane', 'crds');
  const mirrord = readdirSync(mirrordDir)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => join(mirrordDir, f));
  return [keda, ...mirrord].map((file) => readFileSync(file, 'utf8')).join('\n---\n');
}

/** Volumes for every claim (kwok's nodes have no provisioner): the claims bind to them as on a real cluster. */
const volumes = (count: number) => ({
  apiVersion: 'v1',
  kind: 'List',
  items: Array.from({ length: count }, (_, i) => ({
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name: `volume-${i + 1}` },
    spec: {
      capacity: { storage: '100Gi' },
      accessModes: ['ReadWriteOnce'],
      persistentVolumeReclaimPolicy: 'Retain',
      hostPath: { path: `/var/lib/fake-volume-${i + 1}` },
    },
  })),
});

/** The Secrets an operator creates by hand for overlays that commit none (docs/deploy.md), with throwaway values. */
const handMadeSecrets = (present: Set<string>) => ({
  apiVersion: 'v1',
  kind: 'List',
  items: [
    ['postgres-credentials', { username: 'metalmart', password: 'test-only' }],
    ['order-service-token', { token: 'test-only-token-0123456789' }],
    ['order-service-database', { url: 'postgres://metalmart:test-only@postgres:5432/metalmart' }],
  ]
    .filter(([name]) => !present.has(name as string))
    .map(([name, stringData]) => ({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name, namespace: NAMESPACE },
      stringData,
    })),
});

type Status = { replicas?: number; readyReplicas?: number; availableReplicas?: number; succeeded?: number };
type Workload = { kind: string; metadata: { name: string }; spec: { replicas?: number }; status?: Status };

beforeAll(async () => {
  await ensureControlPlanePrograms(prefixedLogger('control-plane'));
}, 40 * 60_000);

/** A fresh control plane with `nodes` fake nodes, prepared as an operator would before `kubectl apply -k`. */
async function clusterFor(objects: Manifest[], nodes: number): Promise<ControlPlane> {
  const plane = await startControlPlane(nodes);
  try {
    const ok = async (args: string[], input?: string) => {
      const run = await plane.kubectl(args, input);
      if (run.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed:\n${run.stderr}\n${run.stdout}`);
    };
    await ok(['apply', '--server-side', '-f', '-'], customResourceDefinitions());
    await ok(['wait', '--for=condition=Established', 'crd', '--all', '--timeout=60s']);
    await ok(['create', '-f', '-'], JSON.stringify(volumes(8)));
    // What an operator creates first (docs/deploy.md): the namespaces, and the Secrets not in the overlay.
    await ok(['create', 'namespace', NAMESPACE]);
    if (objects.some((o) => o.metadata.namespace === 'mirrord')) await ok(['create', 'namespace', 'mirrord']);
    const committed = new Set(objects.filter((o) => o.kind === 'Secret').map((o) => o.metadata.name));
    const secrets = handMadeSecrets(committed);
    if (secrets.items.length > 0) await ok(['create', '-f', '-'], JSON.stringify(secrets));
    return plane;
  } catch (error) {
    await plane.stop();
    throw error;
  }
}

const asList = (objects: Manifest[]) => JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects });

async function getJson<T>(plane: ControlPlane, args: string[]): Promise<T> {
  const run = await plane.kubectl([...args, '-o', 'json']);
  if (run.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed:\n${run.stderr}`);
  return JSON.parse(run.stdout) as T;
}

/** Workloads of `objects` not (yet) at their count: '' for none. */
async function notRolledOut(plane: ControlPlane, objects: Manifest[]): Promise<string[]> {
  const { items } = await getJson<{ items: Workload[] }>(plane, [
    'get',
    'deployments,statefulsets,jobs',
    '-n',
    NAMESPACE,
  ]);
  return objects
    .filter((o) => ['Deployment', 'StatefulSet', 'Job'].includes(o.kind))
    .map((o) => {
      const live = items.find((w) => w.kind === o.kind && w.metadata.name === o.metadata.name);
      const status = live?.status ?? {};
      const wanted = live?.spec.replicas ?? 1;
      const reached =
        o.kind === 'Job'
          ? (status.succeeded ?? 0) >= 1
          : o.kind === 'Deployment'
            ? status.availableReplicas === wanted
            : status.readyReplicas === wanted;
      return reached ? '' : `${o.kind}/${o.metadata.name} ${JSON.stringify(status)}`;
    })
    .filter(Boolean);
}

type Pod = { metadata: { name: string }; spec: { nodeName?: string }; status: { phase: string } };
const kafkaPods = async (plane: ControlPlane) =>
  (await getJson<{ items: Pod[] }>(plane, ['get', 'pods', '-n', NAMESPACE, '-l', 'app.kubernetes.io/name=kafka']))
    .items;

describe.each(overlayDirs.map((dir) => basename(dir)))('overlay %s on a real API server', (overlay) => {
  let plane: ControlPlane;
  let objects: Manifest[];

  beforeAll(async () => {
    objects = kustomizeBuild(repoPath('deploy', 'k8s', 'overlays', overlay));
    plane = await clusterFor(objects, 3);
  }, 5 * 60_000);
  afterAll(async () => plane?.stop(), 60_000);

  it('accepts every object of the overlay, and every one is there afterwards', async () => {
    const applied = await plane.kubectl(
      ['apply', '--server-side', '--field-manager=metalmart-test', '-f', '-'],
      asList(objects),
    );
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    const found = await plane.kubectl(['get', '-f', '-', '-o', 'name'], asList(objects));
    expect(found.stderr).toBe('');
    expect(found.stdout.trim().split('\n')).toHaveLength(objects.length);
  });

  it('rolls every Deployment, StatefulSet and Job out to its count on the fake nodes', async () => {
    expect(objects.filter((o) => ['Deployment', 'StatefulSet', 'Job'].includes(o.kind)).length).toBeGreaterThanOrEqual(
      5,
    );
    let pending = await notRolledOut(plane, objects);
    for (const deadline = Date.now() + 180_000; pending.length > 0 && Date.now() < deadline; ) {
      await sleep(1000);
      pending = await notRolledOut(plane, objects);
    }
    if (pending.length > 0) {
      const events = await plane.kubectl(['get', 'events', '-n', NAMESPACE, '--sort-by=.lastTimestamp']);
      throw new Error(`not rolled out: ${pending.join('; ')}\n${events.stdout.split('\n').slice(-25).join('\n')}`);
    }
  }, 240_000);

  it('places the Kafka pods one per Kubernetes node where Kafka is a cluster', async () => {
    const pods = await kafkaPods(plane);
    const clustered = objects.some((o) => o.kind === 'StatefulSet' && o.metadata.name === 'kafka');
    expect(pods).toHaveLength(clustered ? 3 : 1);
    expect(new Set(pods.map((p) => p.spec.nodeName)).size).toBe(pods.length);
    if (clustered) expect(pods.map((p) => p.metadata.name).sort()).toEqual(['kafka-0', 'kafka-1', 'kafka-2']);
  });
});

describe('the production overlay on two nodes', () => {
  let plane: ControlPlane;
  let objects: Manifest[];
  beforeAll(async () => {
    objects = kustomizeBuild(repoPath('deploy', 'k8s', 'overlays', 'production'));
    plane = await clusterFor(objects, 2);
  }, 5 * 60_000);
  afterAll(async () => plane?.stop(), 60_000);

  it('leaves the third Kafka node unscheduled: the anti-affinity never puts two on one node', async () => {
    expect((await plane.kubectl(['apply', '--server-side', '-f', '-'], asList(objects))).code).toBe(0);
    let pods: Pod[] = [];
    for (const deadline = Date.now() + 60_000; Date.now() < deadline; await sleep(1000)) {
      pods = await kafkaPods(plane);
      if (pods.filter((p) => p.status.phase === 'Running').length === 2 && pods.length === 3) break;
    }
    expect(pods.filter((p) => p.status.phase === 'Running')).toHaveLength(2);
    const waiting = pods.filter((p) => p.status.phase === 'Pending');
    expect(waiting).toHaveLength(1);
    expect(waiting[0]?.spec.nodeName).toBeUndefined();
    expect(
      await notRolledOut(
        plane,
        objects.filter((o) => o.kind === 'StatefulSet' && o.metadata.name === 'kafka'),
      ),
    ).toHaveLength(1);
  }, 120_000);

  it('refuses broken objects, so an accepted apply means something: a bad field, a custom resource off its schema', async () => {
    const service = structuredClone(
      objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'order-service'),
    );
    if (!service) throw new Error('no order-service Deployment');
    Reflect.set(service.spec as object, 'replica', 3); // a typo: strict field validation refuses it
    const typo = await plane.kubectl(['apply', '--server-side', '-f', '-'], asList([service]));
    expect(typo.code).not.toBe(0);
    expect(typo.stderr).toMatch(/unknown field "(spec\.)?replica"/);
    const scaler = structuredClone(objects.find((o) => o.kind === 'ScaledObject'));
    if (!scaler) throw new Error('no ScaledObject');
    Reflect.deleteProperty(scaler.spec as object, 'scaleTargetRef'); // required by KEDA's definition
    const invalid = await plane.kubectl(['apply', '--server-side', '-f', '-'], asList([scaler]));
    expect(invalid.code).not.toBe(0);
    expect(invalid.stderr).toMatch(/scaleTargetRef/);
  });
});
