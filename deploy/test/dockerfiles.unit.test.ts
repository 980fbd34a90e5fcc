// The three Dockerfiles: built from the repository root with `npm ci` from the lockfile and the same npm scripts
// as everywhere else, multi-stage, non-root. No Docker engine runs here, so the images are not built; what a
// build depends on is checked instead (the files it copies exist, the scripts and dependencies it relies on are
// declared).
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { listFiles, readRepoFile, repoPath } from './support.ts';

type Instruction = { keyword: string; args: string };
type Stage = { from: string; name?: string; instructions: Instruction[] };

/** Dockerfile → stages of instructions (line continuations joined, comments and parser directives dropped). */
function parseDockerfile(text: string): { args: Record<string, string>; stages: Stage[] } {
  const logical: string[] = [];
  let pending = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (pending === '' && (line === '' || line.startsWith('#'))) continue;
    if (line.startsWith('#')) continue; // comment inside a continued instruction
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1).trim()} `;
      continue;
    }
    logical.push(pending + line);
    pending = '';
  }
  const args: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const line of logical) {
    const [, keyword = '', rest = ''] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    const instruction = { keyword: keyword.toUpperCase(), args: rest };
    if (instruction.keyword === 'FROM') {
      const [, image = '', name] = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(rest) ?? [];
      const from = image.replace(/\$\{(\w+)\}/g, (_, arg: string) => args[arg] ?? `\${${arg}}`);
      stages.push({ from, name, instructions: [] });
    } else if (instruction.keyword === 'ARG' && stages.length === 0) {
      const [name = '', value = ''] = rest.split('=');
      args[name] = value;
    } else {
      const stage = stages.at(-1);
      if (!stage) throw new Error(`${keyword} before FROM`);
      stage.instructions.push(instruction);
    }
  }
  return { args, stages };
}

const all = (stage: Stage | undefined, keyword: string) =>
  (stage?.instructions ?? []).filter((i) => i.keyword === keyword).map((i) => i.args);

/** COPY sources that come from the build context (not --from=<stage>). */
function contextSources(stages: Stage[]): string[] {
  return stages.flatMap((stage) =>
    all(stage, 'COPY')
      .filter((args) => !args.includes('--from='))
      .flatMap((args) => {
        const parts = args.split(/\s+/).filter((p) => !p.startsWith('--'));
        return parts.slice(0, -1);
      }),
  );
}

const rootPackage = JSON.parse(readRepoFile('package.json')) as { workspaces: string[]; engines: { node: string } };
const packageOf = (dir: string) =>
  JSON.parse(readRepoFile(`${dir}/package.json`)) as {
    name: string;
    scripts?: Record<string, string>;
    dependencies?: Record<string, string>;
  };

const images = [
  { dockerfile: 'services/order/Dockerfile', workspace: 'services/order', port: 8080, script: 'start' },
  {
    dockerfile: 'services/order-processor/Dockerfile',
    workspace: 'services/order-processor',
    port: 8081,
    script: 'start',
  },
  { dockerfile: 'frontend/Dockerfile', workspace: 'frontend', port: 8080, script: 'build' },
] as const;

describe.each(images)('$dockerfile', ({ dockerfile, workspace, port, script }) => {
  const { args, stages } = parseDockerfile(readRepoFile(dockerfile));
  const final = stages.at(-1);
  const installStage = stages.find((s) => all(s, 'RUN').some((r) => r.includes('npm ci')));
  const install = all(installStage, 'RUN').find((r) => r.includes('npm ci')) ?? '';

  it('is multi-stage on the Node.js major the project requires', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const nodeMajor = /(\d+)/.exec(rootPackage.engines.node)?.[1];
    expect(args.NODE_IMAGE).toMatch(new RegExp(`^node:${nodeMajor}[.-]`));
    expect(stages[0]?.from).toBe(args.NODE_IMAGE);
  });

  it('installs with npm ci from the lockfile, this workspace only, after copying every workspace manifest', () => {
    expect(install).toMatch(new RegExp(`npm ci --workspace ${workspace}( |$)`));
    const copied = contextSources([installStage as Stage]);
    expect(copied).toEqual(expect.arrayContaining(['package.json', 'package-lock.json']));
    // npm reads the lockfile against every workspace's package.json: a workspace added later must be copied too.
    for (const ws of rootPackage.workspaces) expect(copied, ws).toContain(`${ws}/package.json`);
  });

  it('copies only files that exist in the build context (the repository root)', () => {
    for (const source of contextSources(stages)) expect(existsSync(repoPath(source)), source).toBe(true);
    const ignore = readRepoFile(`${dockerfile}.dockerignore`);
    for (const pattern of ['**/node_modules', '.data', '.git']) expect(ignore).toContain(pattern);
  });

  it('runs as a non-root user', () => {
    const user = all(final, 'USER').at(-1);
    expect(user).toBeDefined();
    expect(['root', '0']).not.toContain(user?.split(':')[0]);
  });

  it(`uses the workspace's own npm script (${script})`, () => {
    const pkg = packageOf(workspace);
    expect(pkg.scripts?.[script], `${workspace} has no ${script} script`).toBeDefined();
    if (script === 'start') {
      expect(all(final, 'CMD').map((cmd) => JSON.parse(cmd))).toEqual([['npm', 'start', '--workspace', workspace]]);
      // --omit=dev: what `npm start` needs at run time must be a production dependency.
      expect(install).toContain('--omit=dev');
      expect(pkg.scripts?.start).toContain('--import tsx');
      expect(pkg.dependencies).toHaveProperty('tsx');
      const env = all(final, 'ENV').join(' ');
      expect(env).toContain(`PORT=${port}`);
      expect(env).toContain('HOST=0.0.0.0');
      // read-only root file system: npm's cache and logs go to the writable /tmp
      expect(env).toContain('npm_config_cache=/tmp/');
    } else {
      expect(all(installStage, 'RUN')).toContain(`npm run ${script} --workspace ${workspace}`);
      expect(all(final, 'COPY')).toContainEqual(
        expect.stringMatching(new RegExp(`^--from=\\S+ /app/${workspace}/dist `)),
      );
      expect(readRepoFile(`${workspace}/vite.config.ts`)).toMatch(/outDir: 'dist'/);
    }
    expect(all(final, 'EXPOSE')).toEqual([String(port)]);
    expect(all(final, 'HEALTHCHECK').join(' ')).toContain(`127.0.0.1:${port}/`);
  });
});

describe('service images: production dependencies', () => {
  /** Bare package imports of a folder's TypeScript sources (node: built-ins excluded). */
  function importedPackages(dir: string): Set<string> {
    const packages = new Set<string>();
    for (const file of listFiles(repoPath(dir), (name) => name.endsWith('.ts'))) {
      for (const match of readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*\(?\s*'([^'.][^']*)'/g)) {
        const spec = match[1] as string;
        if (spec.startsWith('node:')) continue;
        packages.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : (spec.split('/')[0] as string));
      }
    }
    return packages;
  }

  it.each(['services/order', 'services/order-processor', 'packages/contracts'])(
    '%s declares every package its sources import (npm ci --omit=dev installs only those)',
    (workspace) => {
      const declared = Object.keys(packageOf(workspace).dependencies ?? {});
      const imported = importedPackages(`${workspace}/src`);
      expect(imported.size).toBeGreaterThan(0);
      for (const name of imported) expect(declared, `${workspace} imports ${name}`).toContain(name);
    },
  );
});

describe('frontend nginx', () => {
  const conf = readRepoFile('deploy/docker/frontend-nginx.conf');

  it('listens on the exposed port and answers /healthz', () => {
    expect(conf).toMatch(/^\s*listen 8080;$/m);
    expect(conf).toMatch(/location = \/healthz \{[^}]*return 200/);
  });

  it('proxies /api to the Order Service (same name and port in Kubernetes and Compose)', () => {
    expect(conf).toMatch(/location \/api\/ \{[^}]*proxy_pass http:\/\/order-service:8080;/);
    expect(readRepoFile('deploy/k8s/base/order-service.yaml')).toMatch(
      /kind: Service\nmetadata:\n {2}name: order-service/,
    );
    expect(readRepoFile('docker-compose.yml')).toMatch(/^ {2}order-service:$/m);
  });

  it('serves client-side routes with index.html', () => {
    expect(conf).toMatch(/try_files \$uri \$uri\/ \/index\.html;/);
  });
});
