// .vscode/launch.json and tasks.json (JSONC): the two compounds of the walkthrough, each service debuggable from
// its TypeScript sources the way `npm start` runs it, on the project's Node.js 24 (the link dev/bootstrap.mjs
// keeps at .data/node), mirrord members pointing at existing configs, and the infrastructure task waiting for the
// line `npm run infra` really prints.
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NODE_LINK_NAME, readProjectRuntime, reportedVersion, satisfiesMinimum } from '../../dev/runtime.mjs';
import { parseJsonc, readRepoFile, repoPath, repoRoot } from './support/files.ts';
import { SERVICES } from './support/services.ts';

type LaunchConfig = {
  name: string;
  type: string;
  request: string;
  cwd?: string;
  program?: string;
  runtimeExecutable?: string;
  runtimeArgs?: string[];
  env?: Record<string, string>;
  preLaunchTask?: string;
  sourceMaps?: boolean;
};
type Compound = { name: string; configurations: string[]; preLaunchTask?: string; stopAll?: boolean };
type Task = {
  label: string;
  command: string;
  isBackground?: boolean;
  problemMatcher?: { pattern?: { regexp: string }; background?: { beginsPattern: string; endsPattern: string } };
};

const launch = parseJsonc(readRepoFile('.vscode/launch.json'), 'launch.json') as {
  configurations: LaunchConfig[];
  compounds: Compound[];
};
const tasks = (parseJsonc(readRepoFile('.vscode/tasks.json'), 'tasks.json') as { tasks: Task[] }).tasks;
const LOCAL = 'Full Queue Pipeline (Producer + Consumer)';
const MIRRORD = 'Full Queue Pipeline (with mirrord)';

// biome-ignore lint/suspicious/noTemplateCurlyInString: VS Code's variable, not a template literal
const WORKSPACE = '${workspaceFolder}';
/** The project's Node.js in VS Code's terms: the link dev/bootstrap.mjs keeps in the data dir. */
const NODE_RUNTIME = `${WORKSPACE}/.data/${NODE_LINK_NAME}/bin/node`;
const substitute = (value: string) => value.replaceAll(WORKSPACE, repoRoot);
const configNamed = (name: string) => {
  const config = launch.configurations.find((c) => c.name === name);
  if (!config) throw new Error(`no launch configuration named "${name}"`);
  return config;
};
const compound = (name: string) => {
  const found = launch.compounds.find((c) => c.name === name);
  if (!found) throw new Error(`no compound named "${name}"`);
  return found;
};
const members = (name: string) => compound(name).configurations.map(configNamed);
const serviceOf = (config: LaunchConfig) =>
  Object.values(SERVICES).find((s) => config.program === `\${workspaceFolder}/${s.dir}/src/main.ts`);

describe('.vscode/launch.json', () => {
  it('parses as JSONC, with comments (a plain JSON parser would fail)', () => {
    expect(() => JSON.parse(readRepoFile('.vscode/launch.json'))).toThrow();
    expect(launch.configurations.length).toBeGreaterThanOrEqual(4);
  });

  it('has the two compounds with their exact names, each starting one Order Service and one processor', () => {
    expect(launch.compounds.map((c) => c.name).sort()).toEqual([LOCAL, MIRRORD].sort());
    for (const name of [LOCAL, MIRRORD]) {
      expect(
        members(name)
          .map((c) => serviceOf(c)?.name)
          .sort(),
        name,
      ).toEqual(['order-processor', 'order-service']);
      expect(compound(name).stopAll, name).toBe(true);
    }
  });

  it('has unique names and runs each service like its npm start script, from source with source maps', () => {
    const names = launch.configurations.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
    for (const config of launch.configurations.filter((c) => serviceOf(c))) {
      const service = serviceOf(config);
      expect(config.type, config.name).toBe('node');
      expect(config.request, config.name).toBe('launch');
      expect(config.cwd, config.name).toBe(`\${workspaceFolder}/${service?.dir}`);
      expect(existsSync(substitute(config.program ?? '')), `${config.name}: program`).toBe(true);
      expect(config.sourceMaps, config.name).toBe(true);
      // The same node flags as the workspace's start script ("node --enable-source-maps src/main.ts"): Node.js's
      // own TypeScript support, no loader.
      const start = JSON.parse(readRepoFile(`${service?.dir}/package.json`)).scripts.start as string;
      expect(`node ${config.runtimeArgs?.join(' ')} src/main.ts`, config.name).toBe(start);
      expect(config.runtimeArgs, config.name).not.toContain('--import');
    }
  });

  it("runs every configuration on the project's Node.js 24: .data/node/bin/node, or it first on PATH for npm", () => {
    const services = launch.configurations.filter((c) => serviceOf(c));
    expect(services.length).toBeGreaterThanOrEqual(4);
    for (const config of services) expect(config.runtimeExecutable, config.name).toBe(NODE_RUNTIME);
    // npm (a `#!/usr/bin/env node` script) and the Vite it starts: the same Node.js, through PATH.
    for (const config of launch.configurations.filter((c) => !serviceOf(c))) {
      expect(config.runtimeExecutable, config.name).toBe('npm');
      expect(config.env?.PATH, config.name).toBe(`${NODE_RUNTIME.replace(/\/node$/, '')}:\${env:PATH}`);
    }
    // The link is the bootstrap's: every root command refreshes it (see dev/runtime.mjs linkRuntime).
    expect(readRepoFile('dev/bootstrap.mjs')).toContain('linkRuntime(dataDir, prefixOf(process.execPath))');
    // Where it exists (any root command ran here), it is a Node.js the project accepts.
    const linked = substitute(NODE_RUNTIME);
    if (existsSync(linked)) {
      const version = reportedVersion(linked) ?? 'nothing';
      expect(satisfiesMinimum(version, readProjectRuntime(repoRoot).minimum), `${linked}: ${version}`).toBe(true);
    }
  });

  it('runs the local compound against `npm run infra`, with mirrord forced off and the token it generates', () => {
    const local = compound(LOCAL);
    const task = tasks.find((t) => t.label === local.preLaunchTask);
    expect(task, `preLaunchTask "${local.preLaunchTask}"`).toBeDefined();
    expect(task?.command).toBe('npm run infra');
    expect(JSON.parse(readRepoFile('package.json')).scripts.infra).toBeDefined();
    for (const config of members(LOCAL)) {
      expect(config.env?.MIRRORD_ACTIVE, config.name).toBe('0');
      expect(config.env?.MIRRORD_CONFIG_FILE, config.name).toBeUndefined();
      // No committed secret: the token comes from the file `npm run infra` writes.
      expect(config.env?.ORDER_SERVICE_TOKEN, config.name).toBeUndefined();
      expect((config as { envFile?: string }).envFile, config.name).toBe(`\${workspaceFolder}/.data/local.env`);
      expect(config.env?.PORT, config.name).toBe(String(serviceOf(config)?.port));
    }
    const stack = readRepoFile('dev/src/runner/stack.ts');
    expect(stack).toContain("'local.env'");
    expect(stack).toContain('ORDER_SERVICE_TOKEN');
    expect(configNamed('Order Processor').env?.ORDER_SERVICE_URL).toBe(`http://127.0.0.1:${SERVICES.order.port}`);
  });

  it('runs each mirrord member with MIRRORD_ACTIVE=1 and its own existing .mirrord config', () => {
    for (const config of members(MIRRORD)) {
      const service = serviceOf(config);
      expect(config.env?.MIRRORD_ACTIVE, config.name).toBe('1');
      const file = config.env?.MIRRORD_CONFIG_FILE ?? '';
      expect(file, config.name).toBe(`\${workspaceFolder}/.mirrord/${service?.name}.mirrord.json`);
      expect(existsSync(substitute(file)), file).toBe(true);
      // The cluster provides the env (feature.env); a local token would only hide a misconfigured target.
      expect(config.env?.ORDER_SERVICE_TOKEN, config.name).toBeUndefined();
    }
  });

  it('names only tasks that exist as preLaunchTask', () => {
    const labels = tasks.map((t) => t.label);
    for (const item of [...launch.configurations, ...launch.compounds]) {
      if (item.preLaunchTask) expect(labels, item.name).toContain(item.preLaunchTask);
    }
  });
});

describe('.vscode/tasks.json', () => {
  const infra = tasks.find((t) => t.command === 'npm run infra');

  it('runs npm run infra as a background task whose end pattern matches what infra prints when ready', () => {
    expect(infra?.isBackground).toBe(true);
    const background = infra?.problemMatcher?.background;
    expect(background).toBeDefined();
    // dev/src/runner/infra.ts prints this line once PostgreSQL and Kafka are up.
    const printed = /console\.log\(`\s*\n?([^\n`]*ready[^\n`]*)/i.exec(readRepoFile('dev/src/runner/infra.ts'))?.[1];
    expect(printed, 'the ready line of dev/src/runner/infra.ts').toBeDefined();
    expect(new RegExp(background?.endsPattern ?? '^$').test(printed ?? '')).toBe(true);
    // Lines of the stack (prefixed loggers, and the bootstrap's own) start the watch.
    for (const line of ['[kafka] ready on 127.0.0.1:9092', '[postgres] ready on port 55432', '[setup] installing']) {
      expect(new RegExp(background?.beginsPattern ?? '^$').test(line), line).toBe(true);
    }
    expect(() => new RegExp(infra?.problemMatcher?.pattern?.regexp ?? '')).not.toThrow();
  });

  it('port-forwards the cluster frontend to the port docs/demo.md uses', () => {
    const forward = tasks.find((t) => t.command.startsWith('kubectl port-forward'));
    expect(forward?.command).toBe('kubectl port-forward -n metalmart svc/frontend 55587:80');
    expect(readRepoFile('docs/demo.md')).toContain('55587');
    expect(configNamed('Frontend (cluster API via port-forward)').env?.VITE_PROXY_TARGET).toBe(
      'http://127.0.0.1:55587',
    );
    expect(readRepoFile('frontend/vite.config.ts')).toContain('process.env.VITE_PROXY_TARGET');
    expect(existsSync(repoPath('.vscode', 'tasks.json'))).toBe(true);
  });
});
