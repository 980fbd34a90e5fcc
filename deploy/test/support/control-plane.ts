// A real Kubernetes control plane on loopback for the deploy tests: etcd, kube-apiserver,
// kube-controller-manager and kube-scheduler, with kwok (sigs.k8s.io/kwok) playing the kubelet of three fake
// nodes, so that Deployments, StatefulSets and Jobs roll out without containers. Every program is built from the
// Go module proxy (deploy/test/control-plane/*/go.mod pin them; go-tool.ts builds and stamps them), the way the
// project builds kustomize and Jaeger: no Docker, no release downloads.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pipeLines } from '../../../dev/src/processes.ts';
import { binDir, ensureGoProgram, type GoProgram } from '../../../dev/src/tools/go-tool.ts';
import { freePort } from '../../../tests/support/processes.ts';
import { repoPath } from './files.ts';

export const KUBERNETES_VERSION = 'v1.37.2';
export const ETCD_VERSION = 'v3.6.17';
export const KWOK_VERSION = 'v0.8.0';
/** KEDA's CRDs come from its Go module (v2.21 needs Go 1.27; the ScaledObject fields used here are older). */
export const KEDA_MODULE = 'github.com/kedacore/keda/v2@v2.20.2';

const modules = repoPath('deploy', 'test', 'control-plane');
const stampOf = (dir: string, extra: string) =>
  createHash('sha256')
    .update(readFileSync(join(dir, 'go.mod')))
    .update(readFileSync(join(dir, 'go.sum')))
    .update(extra)
    .digest('hex');

/** Without these stamps the programs report v0.0.0-master, and kubectl warns about the version skew. */
const versionFlags = ['k8s.io/component-base/version', 'k8s.io/client-go/pkg/version']
  .flatMap((pkg) => {
    const [major, minor] = KUBERNETES_VERSION.slice(1).split('.');
    return [`-X ${pkg}.gitVersion=${KUBERNETES_VERSION}`, `-X ${pkg}.gitMajor=${major}`, `-X ${pkg}.gitMinor=${minor}`];
  })
  .join(' ');

function kubernetesProgram(name: string): GoProgram {
  const moduleDir = join(modules, 'kubernetes');
  const ldflags = `-s -w ${versionFlags}`;
  return {
    name: `${name} ${KUBERNETES_VERSION}`,
    binary: join(binDir, name),
    neededFor: 'to apply deploy/k8s to a real API server',
    source: { moduleDir, package: `k8s.io/kubernetes/cmd/${name}` },
    stamp: stampOf(moduleDir, ldflags),
    ldflags,
    timeoutMs: 30 * 60_000,
  };
}

export const PROGRAMS = {
  etcd: {
    name: `etcd ${ETCD_VERSION}`,
    binary: join(binDir, 'etcd'),
    neededFor: 'by the API server of the deploy tests',
    source: { moduleDir: join(modules, 'etcd'), package: 'go.etcd.io/etcd/server/v3' },
    stamp: stampOf(join(modules, 'etcd'), '-s -w'),
    ldflags: '-s -w',
  },
  apiserver: kubernetesProgram('kube-apiserver'),
  controllerManager: kubernetesProgram('kube-controller-manager'),
  scheduler: kubernetesProgram('kube-scheduler'),
  kubectl: kubernetesProgram('kubectl'),
  kwok: {
    name: `kwok ${KWOK_VERSION}`,
    binary: join(binDir, 'kwok'),
    neededFor: 'to fake the nodes of the deploy tests',
    source: { install: `sigs.k8s.io/kwok/cmd/kwok@${KWOK_VERSION}` },
    stamp: KWOK_VERSION,
    ldflags: '-s -w',
  },
} satisfies Record<string, GoProgram>;

/** Builds what is missing, one program after the other (they share the Go build cache: the later ones link only). */
export async function ensureControlPlanePrograms(log: (line: string) => void): Promise<void> {
  for (const program of Object.values(PROGRAMS)) await ensureGoProgram(program, log);
}

/** A module's folder in the machine-wide module cache, downloaded from the Go module proxy if needed. */
export function goModuleDir(moduleAtVersion: string): string {
  const result = spawnSync('go', ['mod', 'download', '-json', moduleAtVersion], {
    encoding: 'utf8',
    env: { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod' },
    cwd: tmpdir(),
  });
  const info = JSON.parse(result.stdout || '{}') as { Dir?: string; Error?: string };
  if (!info.Dir) throw new Error(`go mod download ${moduleAtVersion} failed: ${info.Error ?? result.stderr}`);
  return info.Dir;
}

export interface KubectlRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface ControlPlane {
  kubeconfig: string;
  /** Runs the pinned kubectl against this API server; never throws on its exit code. */
  kubectl(args: readonly string[], input?: string): Promise<KubectlRun>;
  /** The last lines each program wrote, for a failure's message. */
  logTail(lines?: number): string;
  stop(): Promise<void>;
}

interface Program {
  name: string;
  child: ChildProcess;
  lines: string[];
}

/**
 * Starts etcd, the API server, the controller manager, the scheduler and kwok with `nodes` fake nodes (each
 * its own hostname and zone: the manifests' anti-affinity and spread need them). Ready when the API server
 * answers /readyz, the `default` ServiceAccount exists (Pods need it) and every node is Ready.
 */
export async function startControlPlane(nodes = 3): Promise<ControlPlane> {
  const dir = mkdtempSync(join(tmpdir(), 'metalmart-control-plane-'));
  const programs: Program[] = [];
  const run = (name: string, binary: string, args: string[]) => {
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const program = { name, child, lines: [] as string[] };
    pipeLines(child, (line) => {
      program.lines.push(line);
      if (program.lines.length > 200) program.lines.shift();
    });
    programs.push(program);
  };
  const logTail = (lines = 15) =>
    programs
      .map(
        (p) =>
          `--- ${p.name} (exit ${p.child.exitCode ?? p.child.signalCode ?? 'running'})\n${p.lines.slice(-lines).join('\n')}`,
      )
      .join('\n');
  const stop = async () => {
    // The API server's first SIGTERM can take over 10 s: a bounded wait, then SIGKILL, the children in reverse.
    for (const program of [...programs].reverse()) {
      const { child } = program;
      if (child.exitCode !== null || child.signalCode !== null) continue;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      if (!(await Promise.race([exited.then(() => true), sleep(5000).then(() => false)]))) {
        child.kill('SIGKILL');
        await exited;
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    const [etcdClient, etcdPeer, apiPort, managerPort, schedulerPort, kwokPort] = await Promise.all(
      Array.from({ length: 6 }, () => freePort()),
    );
    run('etcd', PROGRAMS.etcd.binary, [
      `--data-dir=${join(dir, 'etcd')}`,
      `--listen-client-urls=http://127.0.0.1:${etcdClient}`,
      `--advertise-client-urls=http://127.0.0.1:${etcdClient}`,
      `--listen-peer-urls=http://127.0.0.1:${etcdPeer}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeer}`,
      `--initial-cluster=default=http://127.0.0.1:${etcdPeer}`,
      '--log-level=warn',
    ]);
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const saKey = join(dir, 'sa.key');
    const saPub = join(dir, 'sa.pub');
    writeFileSync(saKey, privateKey.export({ type: 'pkcs1', format: 'pem' }));
    writeFileSync(saPub, publicKey.export({ type: 'spki', format: 'pem' }));
    const token = randomBytes(24).toString('hex');
    writeFileSync(join(dir, 'tokens.csv'), `${token},admin,admin-uid,system:masters\n`);
    const certs = join(dir, 'certs');
    mkdirSync(certs);
    run('kube-apiserver', PROGRAMS.apiserver.binary, [
      `--etcd-servers=http://127.0.0.1:${etcdClient}`,
      `--secure-port=${apiPort}`,
      '--bind-address=127.0.0.1',
      '--advertise-address=127.0.0.1',
      // Without it the server refuses 127.0.0.1 ("cannot use public IP … with endpoint reconciler").
      '--endpoint-reconciler-type=none',
      `--cert-dir=${certs}`,
      `--service-account-key-file=${saPub}`,
      `--service-account-signing-key-file=${saKey}`,
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      `--token-auth-file=${join(dir, 'tokens.csv')}`,
      '--authorization-mode=RBAC',
      '--service-cluster-ip-range=10.96.0.0/16',
    ]);
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(
      kubeconfig,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [
          { name: 'test', cluster: { server: `https://127.0.0.1:${apiPort}`, 'insecure-skip-tls-verify': true } },
        ],
        users: [{ name: 'admin', user: { token } }],
        contexts: [{ name: 'test', context: { cluster: 'test', user: 'admin' } }],
        'current-context': 'test',
      }),
    );
    const kubectl = (args: readonly string[], input?: string): Promise<KubectlRun> =>
      new Promise((resolve, reject) => {
        const child = spawn(PROGRAMS.kubectl.binary, ['--kubeconfig', kubeconfig, ...args], {
          stdio: ['pipe', 'pipe', 'pipe'],
        });
        const out: Buffer[] = [];
        const err: Buffer[] = [];
        child.stdout.on('data', (c: Buffer) => out.push(c));
        child.stderr.on('data', (c: Buffer) => err.push(c));
        child.stdin.end(input ?? '');
        child.once('error', reject);
        child.once('close', (code) =>
          resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }),
        );
      });
    const until = async (what: string, check: () => Promise<boolean>, timeoutMs = 90_000) => {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        if (await check().catch(() => false)) return;
        for (const p of programs)
          if (p.child.exitCode !== null) throw new Error(`${p.name} exited while waiting for ${what}:\n${logTail(30)}`);
        await sleep(500);
      }
      throw new Error(`timed out waiting for ${what}:\n${logTail()}`);
    };
    await until('the API server', async () => (await kubectl(['get', '--raw', '/readyz'])).stdout.trim() === 'ok');

    const shared = [`--kubeconfig=${kubeconfig}`, '--leader-elect=false', '--bind-address=127.0.0.1'];
    run('kube-controller-manager', PROGRAMS.controllerManager.binary, [
      ...shared,
      `--secure-port=${managerPort}`,
      `--cert-dir=${join(dir, 'manager-certs')}`,
      `--service-account-private-key-file=${saKey}`,
      `--root-ca-file=${join(certs, 'apiserver.crt')}`,
      '--controllers=*',
    ]);
    run('kube-scheduler', PROGRAMS.scheduler.binary, [
      ...shared,
      `--secure-port=${schedulerPort}`,
      `--cert-dir=${join(dir, 'scheduler-certs')}`,
    ]);
    // kwok's own stage definitions: nodes become Ready and keep a heartbeat, pods turn Ready (Job pods complete).
    const stages = join(goModuleDir(`sigs.k8s.io/kwok@${KWOK_VERSION}`), 'kustomize', 'stage');
    const stageFiles = [
      'node/fast/node-initialize.yaml',
      'node/heartbeat/node-heartbeat.yaml',
      'pod/fast/pod-ready.yaml',
      'pod/fast/pod-complete.yaml',
      'pod/fast/pod-delete.yaml',
    ].map((file) => join(stages, file));
    run('kwok', PROGRAMS.kwok.binary, [
      `--kubeconfig=${kubeconfig}`,
      ...stageFiles.map((file) => `--config=${file}`),
      '--manage-all-nodes=false',
      '--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake',
      `--server-address=127.0.0.1:${kwokPort}`,
    ]);
    const fakeNodes = Array.from({ length: nodes }, (_, i) => ({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name: `node-${i + 1}`,
        annotations: { 'kwok.x-k8s.io/node': 'fake' },
        labels: {
          'kubernetes.io/hostname': `node-${i + 1}`,
          'topology.kubernetes.io/zone': `zone-${i + 1}`,
          type: 'kwok',
        },
      },
      spec: {},
      status: {
        allocatable: { cpu: '16', memory: '64Gi', pods: '110' },
        capacity: { cpu: '16', memory: '64Gi', pods: '110' },
      },
    }));
    const created = await kubectl(
      ['create', '-f', '-'],
      JSON.stringify({ apiVersion: 'v1', kind: 'List', items: fakeNodes }),
    );
    if (created.code !== 0) throw new Error(`creating the fake nodes failed: ${created.stderr}`);
    await until('the fake nodes Ready and the default ServiceAccount', async () => {
      const ready = await kubectl([
        'get',
        'nodes',
        '-o',
        'jsonpath={range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{"\\n"}{end}',
      ]);
      const account = await kubectl(['get', 'serviceaccount', 'default', '-n', 'default', '-o', 'name']);
      return (
        ready.stdout
          .trim()
          .split('\n')
          .filter((s) => s === 'True').length === nodes && account.code === 0
      );
    });
    return { kubeconfig, kubectl, logTail, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
