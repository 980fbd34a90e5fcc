// Entry point of the root scripts (npm start / npm run infra / npm test / …). Plain JavaScript on purpose:
// it runs on a fresh clone under whatever Node.js launched it, before any dependency is installed. If that
// Node.js is older than package.json's engines.node, it runs itself again with the Node.js of .node-version
// (fetched from the npm registry once into <data dir>/runtime, see dev/runtime.mjs), with that Node.js first on
// PATH, so that `npm ci`, the runners and every child `node`/`npm` use it. Then it installs what is missing
// and hands over to the TypeScript runners in dev/src.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  describeRunning,
  ensureRuntime,
  linkRuntime,
  platformPackage,
  prefixOf,
  RuntimeError,
  readProjectRuntime,
  satisfiesMinimum,
} from './runtime.mjs';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const stamp = join(root, 'node_modules', '.metalmart-lock-hash');
const commands = {
  start: 'dev/src/runner/start.ts',
  infra: 'dev/src/runner/infra.ts',
  test: 'dev/src/runner/test.ts',
  bench: 'bench/suite.ts',
  kafka: 'dev/src/cli/kafka-cli.ts',
  dlq: 'dev/src/cli/dlq-cli.ts',
  scale: 'dev/src/cli/scale-cli.ts',
  load: 'dev/src/lab/load-cli.ts',
  fault: 'dev/src/lab/fault-cli.ts',
  chaos: 'dev/src/lab/chaos-cli.ts',
  'config-docs': 'dev/src/cli/config-docs.ts',
  // Built in: prints the Node.js the commands use (provisioning it if needed); installs nothing else.
  runtime: undefined,
};
/** Set for the second run (with the provisioned Node.js), so that a wrong binary can never loop. */
const REEXEC_MARK = 'METALMART_BOOTSTRAP_NODE';

function fail(message) {
  console.error(`[setup] ${message}`);
  process.exit(1);
}

function run(cmd, args) {
  const result = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

function ensureNodeModules() {
  const lockHash = createHash('sha256')
    .update(readFileSync(join(root, 'package-lock.json')))
    .digest('hex');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === lockHash) return;
  console.log('[setup] installing npm packages (npm ci)…');
  if (run('npm', ['ci', '--no-audit', '--no-fund']) !== 0) fail('npm ci failed; see the output above.');
  writeFileSync(stamp, lockHash);
}

/** Runs `binary` with `args`, forwarding SIGINT/SIGTERM (a terminal's Ctrl-C reaches it directly as well), and
 * exits with its code. */
function handOver(binary, args, env = process.env) {
  const child = spawn(binary, args, { cwd: root, stdio: 'inherit', env });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('error', (error) => fail(`could not start ${binary}: ${error.message}`));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

const shown = (path) => {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') ? rel : path;
};

const command = process.argv[2];
if (!(command in commands)) {
  console.error(`usage: node dev/bootstrap.mjs ${Object.keys(commands).join('|')} [arguments…]`);
  process.exit(2);
}

let project;
try {
  project = readProjectRuntime(root);
} catch (error) {
  fail(error instanceof RuntimeError ? error.message : String(error));
}
const dataDir = resolve(process.env.METALMART_DATA_DIR || join(root, '.data'));
const runtimeDir = resolve(process.env.METALMART_RUNTIME_DIR || join(dataDir, 'runtime'));

if (!satisfiesMinimum(process.versions.node, project.minimum)) {
  const running = describeRunning(process.versions.node);
  if (process.env[REEXEC_MARK]) {
    fail(
      `${process.env[REEXEC_MARK]} was to be Node.js ${project.pinned} but is ${running}; remove ${shown(runtimeDir)}.`,
    );
  }
  const why = `This is ${running}; MetalMart needs Node.js ≥ ${project.minimum}`;
  let runtime;
  try {
    runtime = ensureRuntime({
      runtimeDir,
      version: project.pinned,
      onFetch: (spec) =>
        console.log(
          `[setup] ${why}: fetching Node.js ${project.pinned} (npm package ${spec}, ~50 MB, once) into ` +
            `${shown(runtimeDir)} and running with it…`,
        ),
    });
  } catch (error) {
    const reason = error instanceof RuntimeError ? error.message : String(error?.message ?? error);
    fail(
      `${why}, and Node.js ${project.pinned} (npm package ${platformPackage()}) could not be set up from the npm ` +
        `registry (${reason}); install Node.js 24 (https://nodejs.org/) and run the command again.`,
    );
  }
  console.log(
    runtime.fetched
      ? `[setup] Node.js ${project.pinned} is ready in ${shown(runtime.prefix)}.`
      : `[setup] ${why}: running with Node.js ${project.pinned} from ${shown(runtime.prefix)}.`,
  );
  const bin = dirname(runtime.binary);
  handOver(runtime.binary, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    ...process.env,
    PATH: `${bin}${delimiter}${process.env.PATH ?? ''}`,
    // What tools that spawn "the node that runs npm" read (npm sets them to the Node.js that launched it).
    npm_node_execpath: runtime.binary,
    NODE: runtime.binary,
    [REEXEC_MARK]: runtime.binary,
  });
} else {
  delete process.env[REEXEC_MARK];
  // The Node.js in use (provisioned or not), at a fixed path for tools: <data dir>/node/bin/node.
  const link = linkRuntime(dataDir, prefixOf(process.execPath));
  if (command === 'runtime') {
    const onPath = spawnSync('node', ['--version'], { encoding: 'utf8', shell: process.platform === 'win32' });
    console.log(`Node.js ${process.version} (${process.execPath})`);
    console.log(`${shown(join(dataDir, 'node'))}: ${link ? `→ ${prefixOf(process.execPath)}` : 'could not be linked'}`);
    console.log(`node on PATH: ${onPath.status === 0 ? onPath.stdout.trim() : 'not found'}`);
    process.exit(0);
  }
  ensureNodeModules();
  // The runner owns shutdown; this process forwards signals to it and exits with its code.
  handOver(process.execPath, ['--enable-source-maps', '--import', 'tsx', commands[command], ...process.argv.slice(3)]);
}
