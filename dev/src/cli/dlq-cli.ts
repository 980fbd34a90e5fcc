// `npm run dlq -- list` / `npm run dlq -- replay <offset>`: the dead-letter topic of KAFKA_TOPIC (default
// order.created; KAFKA_DLQ_TOPIC names another) on KAFKA_BROKERS or the local broker.
import { deadLetterTopicOf, ORDER_CREATED_TOPIC } from '@metalmart/contracts';
// The Order Service's own dead-letter module: the CLI and the ops page's Replay button do the same thing.
import { findDeadLetter, listDeadLetters, replayDeadLetter } from '../../../services/order/src/ops/dead-letters.ts';
import { stackKafkaConnection } from '../runner/stack.ts';
import { readStackSettings } from '../settings.ts';

const settings = readStackSettings();
const kafka = stackKafkaConnection(settings);
const topic = process.env.KAFKA_TOPIC || ORDER_CREATED_TOPIC;
const topics = { topic, deadLetterTopic: deadLetterTopicOf(topic, process.env) };
const dlq = topics.deadLetterTopic;
const [command, argument] = process.argv.slice(2);

const usage = `usage: npm run dlq -- list            the dead letters of ${dlq}, oldest first
       npm run dlq -- replay <offset>  publish that record to its source topic again (after fixing its cause)
KAFKA_TOPIC picks another topic, KAFKA_DLQ_TOPIC another dead-letter topic,
KAFKA_BROKERS another cluster (KAFKA_SECURITY_PROTOCOL etc.: README).`;

try {
  if (command === 'list') {
    const letters = await listDeadLetters(kafka, topics);
    if (letters.length === 0) console.log(`no dead letters in ${dlq}`);
    for (const l of letters) {
      const source = `${l.source.topic}-${l.source.partition}@${l.source.offset}`;
      console.log(`${l.offset}\t${l.timestamp.toISOString()}\t${source}\tkey=${l.key ?? '-'}\t${l.reason}`);
    }
  } else if (command === 'replay' && argument && /^\d+$/.test(argument)) {
    const letter = await findDeadLetter(kafka, topics, BigInt(argument));
    if (!letter) {
      console.error(`dlq: no record at offset ${argument} of ${dlq} (npm run dlq -- list shows them)`);
      process.exit(1);
    }
    await replayDeadLetter(kafka, letter);
    console.log(`replayed ${dlq}@${argument} (key ${letter.key ?? '-'}) to ${letter.source.topic}`);
  } else {
    console.error(usage);
    process.exit(2);
  }
} catch (error) {
  console.error(`dlq: ${(error as Error).message} (is Kafka running on ${kafka.bootstrapBrokers.join(',')}?)`);
  process.exit(1);
}
