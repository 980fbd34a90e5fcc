// The three Dockerfiles: built from the repository root with `npm ci` from the lockfile, multi-stage, non-root, on the
// Node.js major of .node-version. The service images run `node` itself as PID 1 with exactly the flags of the
// workspace's start script (Node.js's own TypeScript support, no loader); the frontend is built with its npm script.
// No Docker engine runs here, so the images are not built; what a build depends on is checked instead (the files it
// copies exist, the scripts and dependencies it relies on are declared, every source file the node flags must load
// is accepted by Node.js's type stripping).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { all, parseDockerfile, type Stage } from './support/dockerfile.ts';
import { listFiles, readRepoFile, repoPath } from './support/files.ts';

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
/** The Node.js major the project provisions and pins (.node-version), e.g. "24". */
const nodeMajor = readRepoFile('.node-version').trim().split('.')[0] as string;
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

  it('is multi-stage on the Node.js major of .node-version (24 LTS), which also satisfies engines.node', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(nodeMajor).toBe('24');
    expect(args.NODE_IMAGE).toMatch(new RegExp(`^node:${nodeMajor}(\\.\\d+){0,2}-[a-z]+-slim$`));
    expect(rootPackage.engines.node).toMatch(new RegExp(`^>=${nodeMajor}\\.`));
    expect(stages[0]?.from).toBe(args.NODE_IMAGE);
    if (script === 'start') expect(final?.from).toBe(args.NODE_IMAGE);
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
      // node itself is PID 1 (exec form, no npm or shell in between, which would not pass SIGTERM on), in the
      // workspace folder, with exactly the start script's flags: what runs in the image is what runs locally.
      const start = (pkg.scripts?.start ?? '').split(' ');
      expect(start[0]).toBe('node');
      expect(start.at(-1)).toBe('src/main.ts');
      expect(all(final, 'CMD').map((cmd) => JSON.parse(cmd))).toEqual([start]);
      expect(all(final, 'ENTRYPOINT')).toEqual([]);
      expect(all(final, 'WORKDIR').at(-1)).toBe(`/app/${workspace}`);
      // Node.js's own TypeScript support, not a loader (tsx, ts-node, …).
      expect(start.filter((arg) => /^--(import|require|loader|experimental-loader)$|^-r$/.test(arg))).toEqual([]);
      // As PID 1, node gets no default signal handling: the service must handle SIGTERM (and SIGINT) itself.
      const main = readRepoFile(`${workspace}/src/main.ts`);
      expect(main).toMatch(/process\.on\('SIGTERM'/);
      expect(main).toMatch(/process\.on\('SIGINT'/);
      // --omit=dev: what `node src/main.ts` needs at run time must be a production dependency.
      expect(install).toContain('--omit=dev');
      const env = all(final, 'ENV').join(' ');
      expect(env).toContain(`PORT=${port}`);
      expect(env).toContain('HOST=0.0.0.0');
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

describe("service images: every source file loads with the start script's node flags", () => {
  /**
   * The files `node src/main.ts` loads as TypeScript: the service's own sources and the workspace package
   * @metalmart/contracts (through its node_modules symlink; Node.js resolves it to packages/contracts, outside
   * node_modules, where type stripping is allowed).
   */
  const sourcesOf = (dir: string) => [
    ...listFiles(repoPath(dir, 'src'), (n) => n.endsWith('.ts')),
    ...listFiles(repoPath('packages/contracts/src'), (n) => n.endsWith('.ts')),
  ];

  /** The files Node.js cannot load in `mode` ('strip': plain type stripping; 'transform': --experimental-transform-types). */
  function rejectedBy(mode: 'strip' | 'transform', files: string[]): { file: string; error: string }[] {
    const script = `
      import { stripTypeScriptTypes } from 'node:module';
      import { readFileSync } from 'node:fs';
      const rejected = [];
      for (const file of ${JSON.stringify(files)}) {
        try { stripTypeScriptTypes(readFileSync(file, 'utf8'), { mode: '${mode}' }); }
        catch (error) { rejected.push({ file, error: String(error.message).split('\\n')[0] }); }
      }
      console.log(JSON.stringify(rejected));`;
    const flags = ['--disable-warning=ExperimentalWarning', '--input-type=module', '-e', script];
    const result = spawnSync(process.execPath, flags, { encoding: 'utf8' });
    expect(result.status, result.stderr).toBe(0);
    return JSON.parse(result.stdout);
  }

  it.each(['services/order', 'services/order-processor'])('%s', (dir) => {
    const start = packageOf(dir).scripts?.start ?? '';
    expect(start).not.toMatch(/--experimental-transform-types|tsx/);
    const files = sourcesOf(dir);
    expect(files.length).toBeGreaterThan(5);
    expect(rejectedBy('strip', files)).toEqual([]);
    const contracts = realpathSync(createRequire(repoPath(dir, 'package.json')).resolve('@metalmart/contracts'));
    expect(contracts).toBe(repoPath('packages/contracts/src/index.ts'));
    expect(contracts.includes(`${sep}node_modules${sep}`)).toBe(false);
  });
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
