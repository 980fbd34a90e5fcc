// scripts/list-kafka-topics.sh against the real local broker: topics this test creates are listed, in cluster
// mode through a stub kubectl whose `exec` runs the command the script sends into the pod with Kafka's own
// kafka-topics against the local broker (in both topologies: the Deployment kafka, the StatefulSet's kafka-0),
// and with --local directly.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '@metalmart/dev/settings';
import { Admin } from '@platformatic/kafka';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { kafkaBinDir } from '../support/kafka-tools.ts';

const script = join(repoRoot, 'scripts', 'list-kafka-topics.sh');
const brokers = inject('kafkaBrokers');
const id = randomBytes(4).toString('hex');
// Shaped like the operator's: a session topic and a fallback topic, plus an ordinary one.
const sessionTopic = `mirrord-tmp-${id}-order.created`;
const fallbackTopic = `mirrord-tmp-${id}-fallback-order.created`;
const plainTopic = `it-list-topics-${id}`;
const created = [sessionTopic, fallbackTopic, plainTopic];
const stubDir = mkdtempSync(join(tmpdir(), 'metalmart-kubectl-stub-'));
const argsLog = join(stubDir, 'kubectl-args');
let admin: Admin;

function run(args: string[], topology = 'deployment') {
  return spawnSync('bash', [script, ...args], {
    encoding: 'utf8',
    env: { ...process.env, PATH: `${stubDir}:${process.env.PATH}`, KAFKA_BROKERS: brokers, STUB_TOPOLOGY: topology },
    timeout: 60_000,
  });
}

beforeAll(async () => {
  // The stub records what the script asked kubectl. `get`: the workload of STUB_TOPOLOGY exists. `exec -n NS
  // WORKLOAD -- CMD…`: CMD runs here, the image's /opt/kafka/bin being Kafka's own tools and the pod's
  // localhost:9092 the local broker.
  const bin = join(stubDir, 'kafka-bin');
  mkdirSync(bin);
  await kafkaBinDir(bin);
  writeFileSync(
    join(stubDir, 'kubectl'),
    [
      '#!/usr/bin/env bash',
      `printf '%s\\n' "$@" > '${argsLog}'`,
      'if [[ $1 == get ]]; then [[ $4 == "$STUB_TOPOLOGY/kafka" ]]; exit; fi',
      '[[ $1 == exec && $5 == -- ]] || exit 3',
      'shift 5',
      'image_bin=/opt/kafka/bin pod_broker=localhost:9092 command=()',
      `for arg in "$@"; do arg=\${arg//"$image_bin"/'${bin}'}; command+=("\${arg//"$pod_broker"/'${brokers}'}"); done`,
      // biome-ignore lint/suspicious/noTemplateCurlyInString: shell, not a template
      'exec "${command[@]}"',
      '',
    ].join('\n'),
  );
  chmodSync(join(stubDir, 'kubectl'), 0o755);
  admin = new Admin({ clientId: `it-list-topics-${id}`, bootstrapBrokers: brokers.split(',') });
  await admin.createTopics({ topics: created, partitions: 1, replicas: 1 });
});

afterAll(async () => {
  await admin?.deleteTopics({ topics: created }).catch(() => {});
  await admin?.close();
  rmSync(stubDir, { recursive: true, force: true });
});

describe('scripts/list-kafka-topics.sh on the real broker', () => {
  it('lists the broker topics through `kubectl exec` (stubbed) in namespace metalmart', () => {
    const result = run([]);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const topics = result.stdout.trim().split('\n');
    expect(topics).toEqual(expect.arrayContaining([...created, 'order.created']));
    expect(topics).toEqual([...topics].sort());
    expect(topics.some((t) => t.startsWith('__'))).toBe(false); // internal topics left out, like --exclude-internal
    expect(readFileSync(argsLog, 'utf8')).toMatch(/^exec\n-n\nmetalmart\ndeploy\/kafka\n--\n/);
  });

  it('lists them through the first pod of the StatefulSet kafka where the production cluster runs', () => {
    const result = run([], 'statefulset');
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout.trim().split('\n')).toEqual(expect.arrayContaining([...created, 'order.created']));
    expect(readFileSync(argsLog, 'utf8')).toMatch(/^exec\n-n\nmetalmart\npod\/kafka-0\n--\n/);
  });

  it('lists only the mirrord-tmp-* topics with --mirrord-only', () => {
    const result = run(['--mirrord-only']);
    expect(result.status).toBe(0);
    const topics = result.stdout.trim().split('\n');
    expect(topics).toEqual(expect.arrayContaining([sessionTopic, fallbackTopic]));
    expect(topics).not.toContain(plainTopic);
    expect(topics.every((t) => t.startsWith('mirrord-tmp-'))).toBe(true);
  });

  it('asks the local broker directly with --local (no kubectl)', () => {
    rmSync(argsLog, { force: true });
    const result = run(['--local']);
    expect(result.status).toBe(0);
    expect(result.stdout.trim().split('\n')).toEqual(expect.arrayContaining(created));
    expect(() => readFileSync(argsLog)).toThrow(); // kubectl was not called
  });
});
