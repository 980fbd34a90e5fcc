import { formatTime } from '../../../lib/format.ts';
import { usePageTitle } from '../../../lib/use-page-title.ts';
import { useDeadLetters, useOpsSnapshot } from '../api/ops-api.ts';
import '../ops.css';
import { DeadLetters } from './DeadLetters.tsx';
import { GroupMembers } from './GroupMembers.tsx';
import { KafkaCluster } from './KafkaCluster.tsx';
import { LabPanel } from './LabPanel.tsx';
import { PartitionsTable } from './PartitionsTable.tsx';
import { ScalingControls } from './ScalingControls.tsx';
import { Throughput } from './Throughput.tsx';
import { Transitions } from './Transitions.tsx';
import { VerdictPanel } from './VerdictPanel.tsx';

/** The live pipeline: Kafka's view of the queue, the consumer group and the cluster, and PostgreSQL's view of the orders. */
export function OpsPage() {
  usePageTitle('Pipeline');
  const snapshot = useOpsSnapshot();
  const deadLetters = useDeadLetters();
  const { data } = snapshot;

  return (
    <div className="ops">
      <header className="ops__header">
        <div>
          <p className="eyebrow">Order Service → Kafka → Order Processor</p>
          <h1>Pipeline</h1>
        </div>
        <ScalingControls />
      </header>

      {snapshot.problem === 'off' ? (
        <p className="notice notice--error" role="alert" data-testid="ops-off">
          The ops API is off: start the Order Service with <code>OPS_API=1</code> (<code>npm start</code> does)
        </p>
      ) : (
        snapshot.problem === 'unavailable' && (
          <p className="notice notice--error" role="alert" data-testid="ops-unreachable">
            The Order Service is not reachable; retrying every second
            {snapshot.lastUpdatedAt ? `. The figures below are from ${formatTime(snapshot.lastUpdatedAt)}.` : '.'}
          </p>
        )
      )}

      {data ? (
        <div className="ops__grid">
          {data.kafkaError !== null && (
            <p className="notice notice--error ops__kafka-error" role="alert" data-testid="kafka-error">
              Kafka: {data.kafkaError}
            </p>
          )}
          <VerdictPanel />
          <LabPanel />
          <PartitionsTable snapshot={data} />
          <GroupMembers snapshot={data} />
          <KafkaCluster cluster={data.cluster} topic={data.topic} />
          <Throughput snapshot={data} />
          <DeadLetters deadLetters={deadLetters.data} unavailable={deadLetters.problem !== undefined} />
          <Transitions transitions={data.transitions} />
          <p className="ops-muted ops__updated">
            Snapshot of <time dateTime={data.at}>{formatTime(new Date(data.at))}</time>
            {snapshot.polling ? ' · live, every second' : ''}
          </p>
        </div>
      ) : (
        !snapshot.problem && (
          <p className="notice" role="status">
            <span className="spinner" aria-hidden="true" /> Reading the pipeline…
          </p>
        )
      )}
    </div>
  );
}
