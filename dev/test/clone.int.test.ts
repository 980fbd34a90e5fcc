// A fresh clone in a private folder (a `mktemp -d` folder, 0700, as root's home is) starts: `npm start` there
// reaches ready — as root, PostgreSQL runs as the OS user `postgres`, who cannot enter that folder — and Ctrl-C
// leaves nothing running. A data dir that cannot be used stops with one sentence, no stack trace.
//
// The clone is of the repository as committed (`git clone`); METALMART_TEST_CLONE_FROM=<repo> clones another
// one instead (e.g. a scratch commit of uncommitted work). Its node_modules is a copy of this checkout's (hard
// links, no download): a real folder inside the private one, as `npm ci` would make it, so the PostgreSQL
// binaries are as unreachable for that user as in a real fresh clone.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, readlink, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freeStackPorts } from '@metalmart/test-support/processes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isListening } from '../src/ports.ts';
import { pipeLines } from '../src/processes.ts';
import { readStackSettings, repoRoot, type StackPorts } from '../src/settings.ts';

interface Run {
  child: ChildProcess;
  lines: string[];
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

describe('a fresh clone in a private (0700) folder', () => {
  let privateDir: string;
  let clone: string;
  let ports: StackPorts;
  /** Where the clone's PostgreSQL keeps its data when `.data/postgres` links elsewhere (as root). */
  let linkedData: string | undefined;

  beforeAll(async () => {
    // Relocated clusters of earlier runs' clones that are gone (a run that was killed before its cleanup).
    for (const entry of await readdir('/var/lib/metalmart').catch(() => [])) {
      const owner = await readFile(join('/var/lib/metalmart', entry, 'data-dir'), 'utf8').catch(() => '');
      if (owner.startsWith(join(tmpdir(), 'metalmart-clone-')) && !existsSync(owner.trim())) {
        await rm(join('/var/lib/metalmart', entry), { recursive: true, force: true });
      }
    }
    privateDir = await mkdtemp(join(tmpdir(), 'metalmart-clone-'));
    clone = join(privateDir, 'repo');
    execFileSync('git', ['clone', '-q', process.env.METALMART_TEST_CLONE_FROM || repoRoot, clone]);
    const modules = join(clone, 'node_modules');
    try {
      execFileSync('cp', ['-al', join(repoRoot, 'node_modules'), modules]);
    } catch {
      await rm(modules, { recursive: true, force: true });
      execFileSync('cp', ['-a', join(repoRoot, 'node_modules'), modules]); // another file system
    }
    await rm(join(modules, '.vite'), { recursive: true, force: true }); // caches are written to, not shared
    ports = await freeStackPorts();
  });

  function start(extraEnv: NodeJS.ProcessEnv = {}): Run {
    const env: NodeJS.ProcessEnv = {};
    const dropped =
      /^(VITEST|NODE_ENV$|DATABASE_URL$|KAFKA_BROKERS$|ORDER_SERVICE_TOKEN$|LOG_LEVEL$|TEST$|METALMART_DATA_DIR$)/;
    for (const [name, value] of Object.entries(process.env)) if (!dropped.test(name)) env[name] = value;
    Object.assign(env, {
      // The clone's own data dir (<clone>/.data, inside the private folder); this checkout's Kafka jars and
      // Node.js runtime, so that nothing is downloaded.
      METALMART_KAFKA_JARS_DIR: readStackSettings().kafkaJarsDir,
      METALMART_RUNTIME_DIR: process.env.METALMART_RUNTIME_DIR || join(readStackSettings().dataDir, 'runtime'),
      ...Object.fromEntries(Object.entries(ports).map(([name, port]) => [name, String(port)])),
      ...extraEnv,
    });
    // Its own process group, like a terminal's foreground job: Ctrl-C is a SIGINT to the whole group.
    const child = spawn(process.execPath, ['dev/bootstrap.mjs', 'start'], {
      cwd: clone,
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: string[] = [];
    pipeLines(child, (line) => {
      lines.push(line);
      if (process.env.TEST_SERVICE_LOGS) console.log(line);
    });
    const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    return { child, lines, exit };
  }

  async function waitForLine(run: Run, pattern: RegExp, timeoutMs: number): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = run.lines.find((line) => pattern.test(line));
      if (found !== undefined) return found;
      const exited = run.child.exitCode !== null || run.child.signalCode !== null;
      if (exited || Date.now() > deadline) {
        throw new Error(`${exited ? 'exited' : 'timed out'} before printing ${pattern}:\n${run.lines.join('\n')}`);
      }
      await sleep(200);
    }
  }

  /** Every process of the clone's stack: the clone or its PostgreSQL data in its command line or working dir. */
  async function processesOfTheClone(): Promise<string[]> {
    const marks = [privateDir, ...(linkedData ? [linkedData] : [])];
    const found: string[] = [];
    for (const entry of await readdir('/proc')) {
      if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
      const cmdline = (await readFile(`/proc/${entry}/cmdline`).catch(() => Buffer.alloc(0)))
        .toString()
        .replaceAll('\0', ' ')
        .trim();
      const cwd = await readlink(`/proc/${entry}/cwd`).catch(() => '');
      if (cmdline && marks.some((mark) => cmdline.includes(mark) || cwd.startsWith(mark))) {
        found.push(`${entry} ${cmdline}`);
      }
    }
    return found;
  }

  let running: Run | undefined;

  async function stopWithCtrlC(run: Run) {
    const stopping = Date.now();
    process.kill(-(run.child.pid as number), 'SIGINT');
    const exit = await Promise.race([run.exit, sleep(40_000, 'timeout' as const)]);
    console.log(`stopped in ${Date.now() - stopping} ms: ${JSON.stringify(exit)}`);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(await processesOfTheClone()).toEqual([]);
    for (const [name, port] of Object.entries(ports)) expect(await isListening(port), `${name} ${port}`).toBe(false);
  }

  afterAll(async () => {
    if (running && running.child.exitCode === null && running.child.signalCode === null) {
      process.kill(-(running.child.pid as number), 'SIGINT');
      if ((await Promise.race([running.exit, sleep(30_000, 'timeout')])) === 'timeout') {
        process.kill(-(running.child.pid as number), 'SIGKILL');
      }
    }
    for (const line of privateDir ? await processesOfTheClone() : []) {
      try {
        process.kill(Number(line.split(' ')[0]), 'SIGKILL');
      } catch {}
    }
    // The relocated cluster belongs to this clone's data dir only (keyed by its path): remove it with the clone.
    if (linkedData?.startsWith('/var/lib/metalmart/data-')) await rm(dirname(linkedData), { recursive: true });
    if (privateDir) await rm(privateDir, { recursive: true, force: true });
  }, 60_000);

  it('is private: mode 0700, node_modules a real folder inside it', async () => {
    expect((await stat(privateDir)).mode & 0o777).toBe(0o700);
    expect((await stat(join(clone, 'node_modules'))).isDirectory()).toBe(true);
    expect(await readlink(join(clone, 'node_modules')).catch(() => 'not a link')).toBe('not a link');
  });

  it('a data dir that cannot be used: one clear sentence, exit code 1, no stack trace', async () => {
    const file = join(privateDir, 'a-file');
    await writeFile(file, 'not a folder\n');
    const run = start({ METALMART_DATA_DIR: join(file, 'data') });
    const exit = await Promise.race([run.exit, sleep(60_000, 'timeout' as const)]);
    const output = run.lines.join('\n');
    console.log(output);
    expect(exit).toEqual({ code: 1, signal: null });
    expect(output).toMatch(
      /the data dir \S+ cannot be used \(ENOTDIR\): set METALMART_DATA_DIR to a folder you can create and write to/,
    );
    expect(output).not.toMatch(/^\s+at |Error:|node:internal|triggerUncaughtException/m);
    // The header line and the sentence, nothing else.
    expect(run.lines.filter((line) => line.trim())).toHaveLength(2);
  }, 90_000);

  it.runIf(process.getuid?.() === 0)(
    'as root, old data the OS user postgres cannot reach: one clear sentence, exit code 1, no stack trace',
    async () => {
      // A cluster folder of its own (not a link) inside the private folder, as a data dir made before could be.
      const dataDir = join(privateDir, 'old-data');
      await mkdir(join(dataDir, 'postgres'), { recursive: true });
      // An external Kafka (nothing listens there, and nothing gets that far): no broker is started for this.
      const run = start({ METALMART_DATA_DIR: dataDir, KAFKA_BROKERS: '127.0.0.1:9' });
      const exit = await Promise.race([run.exit, sleep(60_000, 'timeout' as const)]);
      const output = run.lines.join('\n');
      console.log(output);
      expect(exit).toEqual({ code: 1, signal: null });
      expect(output).toMatch(
        /runs as the OS user `postgres`, who cannot enter a parent folder of its data in \S+: let others enter those folders/,
      );
      expect(output).not.toMatch(/^\s+at |Error:|node:internal|triggerUncaughtException/m);
      expect(run.lines.filter((line) => line.trim())).toHaveLength(2);
    },
    90_000,
  );

  it(`npm start reaches ready there${process.getuid?.() === 0 ? ' (as root)' : ''}; Ctrl-C leaves nothing`, async () => {
    const began = Date.now();
    running = start();
    const ready = await waitForLine(running, /\[metalmart\] ready in \d+ s/, 120_000);
    console.log(`"${ready}" after ${Math.round((Date.now() - began) / 1000)} s`);
    const output = running.lines.join('\n');
    expect(output).not.toMatch(/EACCES|^\s+at /m);
    const products = await fetch(`http://127.0.0.1:${ports.FRONTEND_PORT}/api/products`);
    expect(products.status).toBe(200); // the shop's proxy → the Order Service → the clone's PostgreSQL

    const link = await readlink(join(clone, '.data', 'postgres')).catch(() => undefined);
    if (link) linkedData = link;
    console.log(`the clone's PostgreSQL data: ${link ? `.data/postgres → ${link}` : '.data/postgres'}`);
    if (process.getuid?.() === 0) {
      // The OS user `postgres` cannot enter the private folder: the data is kept where it can, linked from .data.
      expect(link).toMatch(/^\/var\/lib\/metalmart\/data-[0-9a-f]{16}\/postgres$/);
      expect((await stat(join(link as string, 'PG_VERSION'))).isFile()).toBe(true);
    }

    await stopWithCtrlC(running);
  }, 180_000);

  it('a second start there reuses the data (no new cluster); Ctrl-C leaves nothing', async () => {
    running = start();
    console.log(await waitForLine(running, /\[metalmart\] ready in \d+ s/, 120_000));
    expect(running.lines.join('\n')).not.toMatch(/initialising a new cluster|EACCES/);
    expect((await fetch(`http://127.0.0.1:${ports.FRONTEND_PORT}/api/products`)).status).toBe(200);
    await stopWithCtrlC(running);
  }, 180_000);
});
