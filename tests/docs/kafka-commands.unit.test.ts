// The `kubectl exec` commands into Kafka that docs/demo.md and docs/deploy.md show must work against deploy/k8s:
// the seed walkthrough's target (deploy/kafka in namespace metalmart; kafka-0, the first pod of the production
// overlay's StatefulSet, which mounts the same wrappers: deploy/test/kafka.render.test.ts) and a tool the broker pod
// has, either one of the image's /opt/kafka/bin/*.sh or a wrapper the base mounts on the pod's PATH (/usr/local/bin).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@metalmart/dev/settings';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';

const read = (...path: string[]) => readFileSync(join(repoRoot, ...path), 'utf8');

/** The seed walkthrough's command, verbatim (../shared/seed-walkthrough.md). */
const SEED_COMMAND = 'kubectl exec -n metalmart deploy/kafka -- kafka-topics --bootstrap-server localhost:9092 --list';
const ADAPTED_COMMAND =
  'kubectl exec -n metalmart deploy/kafka -- /opt/kafka/bin/kafka-topics.sh --bootstrap-server localhost:9092 --list';

type Manifest = {
  kind: string;
  metadata: { name: string };
  data?: Record<string, string>;
  spec?: {
    template?: {
      spec?: {
        containers: { name: string; volumeMounts?: { name: string; mountPath: string; subPath?: string }[] }[];
        volumes?: { name: string; configMap?: { name: string; items?: { key: string; path: string }[] } }[];
      };
    };
  };
};

const manifests = parseAllDocuments(read('deploy', 'k8s', 'base', 'kafka.yaml')).map((d) => d.toJS() as Manifest);

/** Command names the base puts on the broker's PATH: ConfigMap keys mounted (subPath) under /usr/local/bin. */
function wrappersOnPath(): Map<string, string> {
  const deployment = manifests.find((m) => m.kind === 'Deployment' && m.metadata.name === 'kafka');
  const pod = deployment?.spec?.template?.spec;
  const container = pod?.containers.find((c) => c.name === 'kafka');
  const wrappers = new Map<string, string>();
  for (const mount of container?.volumeMounts ?? []) {
    const match = /^\/usr\/local\/bin\/([\w-]+)$/.exec(mount.mountPath);
    const volume = pod?.volumes?.find((v) => v.name === mount.name)?.configMap;
    const item = volume?.items?.find((i) => i.path === mount.subPath);
    const script = manifests.find((m) => m.kind === 'ConfigMap' && m.metadata.name === volume?.name)?.data?.[
      item?.key ?? ''
    ];
    if (match?.[1] && script) wrappers.set(match[1], script);
  }
  return wrappers;
}

/** Every `kubectl exec … -- command` of a Markdown file (prose mentions left out), `\` continuations joined. */
function execCommands(markdown: string): string[] {
  return markdown
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .flatMap((line) => [...line.matchAll(/kubectl exec [^`\n]* -- [^`\n]*/g)])
    .map((m) => m[0].replace(/\s+/g, ' ').trim());
}

describe('Kafka commands in the docs', () => {
  const wrappers = wrappersOnPath();

  it('finds the wrappers the base puts on the broker PATH', () => {
    expect([...wrappers.keys()]).toEqual(expect.arrayContaining(['kafka-topics', 'kafka-consumer-groups']));
    for (const [name, script] of wrappers) expect(script).toBe(`#!/bin/sh\nexec /opt/kafka/bin/${name}.sh "$@"\n`);
  });

  it("shows the seed's command and its apache/kafka form in docs/demo.md", () => {
    const commands = execCommands(read('docs', 'demo.md'));
    expect(commands).toContain(SEED_COMMAND);
    expect(commands).toContain(ADAPTED_COMMAND);
  });

  for (const doc of ['demo.md', 'deploy.md']) {
    it(`execs into deploy/kafka (or the cluster's kafka-0) in metalmart, with a tool the pod has (docs/${doc})`, () => {
      const commands = execCommands(read('docs', doc)).filter((c) => /\bkafka\b/.test(c.split(' -- ')[0] ?? ''));
      expect(commands.length).toBeGreaterThan(0);
      for (const command of commands) {
        const [target = '', tool = ''] = command.split(' -- ');
        expect(['kubectl exec -n metalmart deploy/kafka', 'kubectl exec -n metalmart kafka-0'], command).toContain(
          target,
        );
        const program = tool.split(' ')[0] ?? '';
        const known = wrappers.has(program) || /^\/opt\/kafka\/bin\/kafka-[a-z-]+\.sh$/.test(program);
        expect(known, `${command}: ${program} is not in the broker pod`).toBe(true);
      }
    });
  }
});
