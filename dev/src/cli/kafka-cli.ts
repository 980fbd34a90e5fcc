// `npm run kafka -- <tool> [args]`: Kafka's own command-line tools (kafka-topics, kafka-consumer-groups, the console
// consumer and producer) against the local broker or KAFKA_BROKERS, on the machine's Java. The tool's exit code is
// this command's; its output is untouched (the first run's jar resolution reports on stderr).
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';
import { stackKafkaConnection } from '../runner/stack.ts';
import { readStackSettings } from '../settings.ts';
import {
  ensureKafkaToolsJars,
  javaClientProperties,
  KAFKA_TOOLS,
  kafkaToolJavaArgs,
  kafkaToolJvmOptions,
  kafkaToolName,
  kafkaVersion,
} from '../tools/kafka-tools.ts';

function usage(defaultBrokers: string): string {
  const rows = Object.entries(KAFKA_TOOLS).map(
    ([name, mainClass]) => `  ${name.padEnd(18)} ${`kafka-${name}`.padEnd(24)} ${mainClass}`,
  );
  return `usage: npm run kafka -- <tool> [options of the tool]

Apache Kafka's own command-line tools (${kafkaVersion()}, the broker's version, from Maven Central) on this
machine's Java. --bootstrap-server defaults to ${defaultBrokers} (KAFKA_BROKERS, else the local broker); one given wins.
For a cluster that needs TLS or SASL (KAFKA_SECURITY_PROTOCOL and friends, see the README) a --command-config with
those settings is passed too, unless one is given.

Tools (either name):
${rows.join('\n')}
  <main class>       any other tool class of kafka-tools or the broker, e.g. org.apache.kafka.tools.GetOffsetShell

Examples:
  npm run kafka -- topics --list
  npm run kafka -- topics --describe --topic order.created
  npm run kafka -- consumer-groups --describe --group order-processor
  npm run kafka -- consumer-groups --describe --group order-processor --members --verbose
  npm run kafka -- console-consumer --topic order.created --from-beginning --formatter-property print.key=true
  npm run kafka -- console-producer --topic order.created
  npm run kafka -- metadata-quorum describe --status

A tool's own options: npm run kafka -- topics --help. The tools log warnings only; KAFKA_OPTS adds JVM options, e.g.
KAFKA_OPTS=-Dorg.slf4j.simpleLogger.log.org.apache.kafka.clients.consumer=info for a consumer's group and
assignment log.`;
}

function mainClassOf(tool: string): string | undefined {
  const named = kafkaToolName(tool);
  if (named) return KAFKA_TOOLS[named];
  // A fully qualified class name: package segments in lower case, the class capitalised.
  return /^[a-z_][\w]*(\.[a-z_][\w]*)+\.[A-Z][\w$]*$/.test(tool) ? tool : undefined;
}

const hasOption = (args: string[], name: string) => args.some((a) => a === name || a.startsWith(`${name}=`));

async function main(argv: string[]): Promise<number> {
  const settings = readStackSettings();
  const connection = stackKafkaConnection(settings);
  const defaultBrokers = connection.bootstrapBrokers.join(',');
  const [tool, ...args] = argv;
  if (tool === undefined || tool === '-h' || tool === '--help' || tool === 'help') {
    (tool === undefined ? process.stderr : process.stdout).write(`${usage(defaultBrokers)}\n`);
    return tool === undefined ? 2 : 0;
  }
  const mainClass = mainClassOf(tool);
  if (!mainClass) {
    process.stderr.write(`kafka: unknown tool "${tool}"\n\n${usage(defaultBrokers)}\n`);
    return 2;
  }
  const jars = await ensureKafkaToolsJars(settings);
  // Before the tool's own arguments: kafka-metadata-quorum takes its options before its sub-command.
  const toolArgs = hasOption(args, '--bootstrap-server') ? [...args] : ['--bootstrap-server', defaultBrokers, ...args];
  // The password must not show in `ps`: the settings go in a file only this user reads, removed afterwards.
  const properties = javaClientProperties(connection);
  const configDir =
    properties && !hasOption(args, '--command-config') ? await mkdtemp(join(tmpdir(), 'mm-kafka-')) : '';
  if (configDir) {
    await writeFile(join(configDir, 'client.properties'), properties, { mode: 0o600 });
    toolArgs.unshift('--command-config', join(configDir, 'client.properties'));
  }
  const extraJvmOptions = (process.env.KAFKA_OPTS ?? '').split(/\s+/).filter(Boolean);
  const child = spawn(
    'java',
    kafkaToolJavaArgs(jars, mainClass, toolArgs, [...kafkaToolJvmOptions(), ...extraJvmOptions]),
    {
      stdio: 'inherit',
    },
  );
  // A terminal's Ctrl-C reaches the tool directly; a signal to this process alone is passed on. Either way the
  // tool's own shutdown (a consumer leaving its group) runs, and its exit code is ours.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => child.kill(signal));
  try {
    return await new Promise((resolve, reject) => {
      child.on('error', reject);
      child.on('exit', (code, signal) => resolve(code ?? 128 + (signal ? (constants.signals[signal] ?? 1) : 1)));
    });
  } finally {
    if (configDir) await rm(configDir, { recursive: true, force: true });
  }
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`kafka: ${(error as Error).message}\n`);
  process.exitCode = 1;
}
