import { useVerdict, type Verdict } from '../api/stack-api.ts';
import { FlowChart } from './FlowChart.tsx';
import { Section } from './Section.tsx';

const seconds = (ms: number | null) => (ms === null ? '–' : `${(ms / 1000).toFixed(1)} s`);

function Figures({ verdict }: { verdict: Verdict }) {
  const rows: [string, number | string][] = [
    ['Accepted', verdict.accepted],
    ['In the outbox', verdict.waitingInOutbox],
    ['On the topic, not yet consumed', verdict.waitingOnTopic],
    ['Processing', verdict.byStatus.processing],
    ['Confirmed', verdict.byStatus.confirmed],
    ['Shipped', verdict.byStatus.shipped],
    ['Lost', verdict.lost.length],
    ['Out of order', verdict.outOfOrder.length],
    ['Dead-lettered', verdict.deadLettered],
    ['Duplicates absorbed', verdict.duplicatesOnTopic],
    ['Slowest accepted → shipped', seconds(verdict.slowestMs)],
  ];
  return (
    <dl className="ops-verdict__figures">
      {rows.map(([label, value]) => (
        <div key={label}>
          <dt>{label}</dt>
          <dd className="mono">{value}</dd>
        </div>
      ))}
    </dl>
  );
}

/**
 * Nothing lost? Judged from PostgreSQL and the topic (never from logs) by the runner of `npm start`, for every order
 * accepted since it began; elsewhere (no runner) the panel is left out.
 */
export function VerdictPanel() {
  const { data } = useVerdict();
  if (!data) return null;
  const problems = [...data.lost, ...data.outOfOrder];
  return (
    <Section title="Verdict">
      <p
        className={`ops-verdict ops-verdict--${data.green ? 'green' : 'red'}`}
        role="status"
        data-testid="verdict"
        data-verdict={data.green ? 'green' : 'red'}
      >
        <strong>{data.green ? 'Green:' : 'Red:'}</strong> {data.sentence}
      </p>
      <FlowChart flow={data.flow} />
      <Figures verdict={data} />
      {problems.length > 0 && (
        <ul className="ops-verdict__problems" aria-label="Problems">
          {problems.slice(0, 10).map((p) => (
            <li key={`${p.orderNumber}${p.reason}`}>
              <span className="mono">{p.orderNumber}</span>
              {p.reason}
            </li>
          ))}
        </ul>
      )}
      <p className="ops-muted">Every order accepted since {new Date(data.since).toLocaleTimeString()}.</p>
    </Section>
  );
}
