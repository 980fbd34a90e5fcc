// scripts/list-kafka-topics.sh without a broker: shellcheck-clean, its options, and the exact kubectl command it
// runs against the cluster (a stub kubectl first on PATH records it and answers with a canned topic list), in
// both topologies: the seed's Deployment kafka and the production overlay's StatefulSet kafka.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '@metalmart/dev/settings';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const script = join(repoRoot, 'scripts', 'list-kafka-topics.sh');
const stubDir = mkdtempSync(join(tmpdir(), 'metalmart-kubectl-stub-'));
const argsLog = join(stubDir, 'kubectl-args');
const cannedOutput = join(stubDir, 'topics');

/** shellcheck from Debian's package, installed here when missing (CI runs as root on a fresh machine). */
function ensureShellcheck(): string {
  if (spawnSync('shellcheck', ['--version']).status === 0) return 'shellcheck';
  if (process.getuid?.() !== 0) throw new Error('shellcheck is missing: apt-get install shellcheck (as root)');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () =>
    spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'shellcheck'], { env, encoding: 'utf8' });
  let result = install();
  if (result.status !== 0) {
    spawnSync('apt-get', ['update'], { env, encoding: 'utf8' }); // a fresh machine may have no package lists yet
    result = install();
  }
  if (result.status !== 0) throw new Error(`apt-get install shellcheck failed:\n${result.stderr}`);
  return 'shellcheck';
}

function run(args: string[], env: Record<string, string> = {}) {
  return spawnSync('bash', [script, ...args], {
    encoding: 'utf8',
    env: { ...process.env, PATH: `${stubDir}:${process.env.PATH}`, ...env },
    timeout: 30_000,
  });
}

beforeAll(() => {
  // Stands in for kubectl. `get -n NS KIND/NAME`: found when KIND is the workload kind of KUBECTL_STUB_TOPOLOGY
  // (deployment by default, statefulset, or none). `exec`: records its arguments, prints the canned list, exits
  // with KUBECTL_STUB_EXIT.
  writeFileSync(
    join(stubDir, 'kubectl'),
    [
      '#!/usr/bin/env bash',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: shell, not a template
      'if [[ $1 == get ]]; then [[ $4 == "${KUBECTL_STUB_TOPOLOGY:-deployment}/kafka" ]]; exit; fi',
      `printf '%s\\n' "$@" > '${argsLog}'`,
      `cat '${cannedOutput}'`,
      // biome-ignore lint/suspicious/noTemplateCurlyInString: shell, not a template
      'exit "${KUBECTL_STUB_EXIT:-0}"',
      '',
    ].join('\n'),
  );
  chmodSync(join(stubDir, 'kubectl'), 0o755);
  writeFileSync(
    cannedOutput,
    [
      'order.created.dlq',
      'mirrord-tmp-k2j4-fallback-order.created',
      'order.created',
      '',
      'mirrord-tmp-k2j4-order.created',
    ].join('\n'),
  );
});
afterAll(() => rmSync(stubDir, { recursive: true, force: true }));

describe('scripts/list-kafka-topics.sh', () => {
  it('is shellcheck-clean', { timeout: 600_000 }, () => {
    const result = spawnSync(ensureShellcheck(), ['--severity=style', '--shell=bash', script], { encoding: 'utf8' });
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('is executable and documents its options', () => {
    const help = run(['--help']);
    expect(help.status).toBe(0);
    for (const option of ['--mirrord-only', '--local', '--namespace', '--brokers'])
      expect(help.stdout).toContain(option);
    expect(spawnSync(script, ['--help']).status).toBe(0);
  });

  it('rejects an unknown option with exit code 2', () => {
    const result = run(['--topics']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('unknown option: --topics');
  });

  it('runs kafka-topics.sh in deploy/kafka of namespace metalmart (the walkthrough) and lists every topic, sorted', () => {
    const result = run([]);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(readFileSync(argsLog, 'utf8').trim().split('\n')).toEqual([
      'exec',
      '-n',
      'metalmart',
      'deploy/kafka',
      '--',
      'env',
      'KAFKA_HEAP_OPTS=-Xms32m -Xmx128m', // not the broker's heap: a second JVM that size could OOM the pod
      '/opt/kafka/bin/kafka-topics.sh',
      '--bootstrap-server',
      'localhost:9092',
      '--list',
      '--exclude-internal',
    ]);
    expect(result.stdout).toBe(
      [
        'mirrord-tmp-k2j4-fallback-order.created',
        'mirrord-tmp-k2j4-order.created',
        'order.created',
        'order.created.dlq',
        '',
      ].join('\n'),
    );
  });

  it('keeps only mirrord-tmp-* topics with --mirrord-only', () => {
    const result = run(['--mirrord-only']);
    expect(result.status).toBe(0);
    expect(result.stdout).toBe('mirrord-tmp-k2j4-fallback-order.created\nmirrord-tmp-k2j4-order.created\n');
  });

  it('says so, without failing, when no queue-splitting session has created topics', () => {
    const saved = readFileSync(cannedOutput);
    writeFileSync(cannedOutput, 'order.created\norder.created.dlq\n');
    try {
      const result = run(['-m']);
      expect(result.status).toBe(0);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain('no mirrord-tmp-* topics');
    } finally {
      writeFileSync(cannedOutput, saved);
    }
  });

  it('honours --namespace and KAFKA_WORKLOAD', () => {
    run(['--namespace', 'shop'], { KAFKA_WORKLOAD: 'statefulset/kafka' });
    expect(readFileSync(argsLog, 'utf8').split('\n').slice(0, 4)).toEqual(['exec', '-n', 'shop', 'statefulset/kafka']);
    run([], { KAFKA_WORKLOAD: '' }); // set but empty: the default, like an unset variable
    expect(readFileSync(argsLog, 'utf8').split('\n').slice(0, 4)).toEqual(['exec', '-n', 'metalmart', 'deploy/kafka']);
  });

  it('execs into the first pod of the StatefulSet kafka where the production cluster runs', () => {
    const result = run([], { KUBECTL_STUB_TOPOLOGY: 'statefulset' });
    expect(result.status).toBe(0);
    expect(readFileSync(argsLog, 'utf8').split('\n').slice(0, 5)).toEqual([
      'exec',
      '-n',
      'metalmart',
      'pod/kafka-0',
      '--',
    ]);
  });

  it('says what it looked for when the namespace has no Kafka', () => {
    const result = run(['-n', 'shop'], { KUBECTL_STUB_TOPOLOGY: 'none' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('no Kafka in namespace shop: neither deploy/kafka nor statefulset/kafka');
  });

  it('documents how the workload is found', () => {
    expect(run(['--help']).stdout).toMatch(
      /^ {2}KAFKA_WORKLOAD +workload to exec into \(found: deploy\/kafka, else pod\/kafka-0 of statefulset\/kafka\)$/m,
    );
  });

  it('fails with a message when kubectl fails', () => {
    const result = run([], { KUBECTL_STUB_EXIT: '1' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('listing the topics in namespace metalmart failed');
  });

  it('fails with a message when the local broker does not answer', { timeout: 60_000 }, () => {
    const result = run(['--local', '--brokers', '127.0.0.1:1']);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('listing the topics of the local broker 127.0.0.1:1 failed');
  });
});
