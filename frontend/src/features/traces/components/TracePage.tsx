import type { CSSProperties } from 'react';
import { useParams } from 'react-router';
import { usePageTitle } from '../../../lib/use-page-title.ts';
import { useTrace } from '../api/get-trace.ts';
import '../traces.css';
import { buildWaterfall, formatMs, type Waterfall } from '../waterfall.ts';

/** One order's trace as a waterfall: checkout in the Order Service, through Kafka, to each processor step. */
export function TracePage() {
  const { traceId = '' } = useParams();
  const { trace, problem, polling } = useTrace(traceId);
  const title = `Trace ${traceId.slice(0, 8)}…`;
  usePageTitle(title);

  return (
    <div className="trace">
      <header>
        <p className="eyebrow">Distributed trace</p>
        <h1>{title}</h1>
        <p className="trace__id">
          <code>{traceId}</code>
        </p>
      </header>
      {problem === 'no-viewer' && !trace ? (
        <p className="notice notice--error" role="alert" data-testid="no-trace-viewer">
          No trace viewer: start with <code>npm start -- --traces</code>
        </p>
      ) : trace ? (
        <section className="panel" aria-labelledby="trace-spans-title">
          <h2 id="trace-spans-title">Spans</h2>
          <TraceWaterfall waterfall={buildWaterfall(trace)} />
          <p className="trace__live" role="status">
            {polling ? 'Spans are still arriving; checking every 2 seconds' : `${trace.spans.length} spans`}
          </p>
        </section>
      ) : (
        <p className="notice" role="status">
          {polling ? (
            <>
              <span className="spinner" aria-hidden="true" /> Waiting for the trace to reach the trace viewer…
            </>
          ) : (
            'The trace viewer has no trace with this id.'
          )}
        </p>
      )}
    </div>
  );
}

function TraceWaterfall({ waterfall }: { waterfall: Waterfall }) {
  return (
    <div className="trace__table-wrap">
      <table className="trace__table" data-testid="waterfall">
        <thead>
          <tr>
            <th scope="col">Service</th>
            <th scope="col">Operation</th>
            <th scope="col" className="trace__timeline-head">
              Timeline ({formatMs(waterfall.durationUs)})
            </th>
            <th scope="col">Duration</th>
          </tr>
        </thead>
        <tbody>
          {waterfall.rows.map((row) => {
            const bar = { '--offset': row.offset, '--width': row.width } as CSSProperties;
            const indent = { '--depth': row.depth } as CSSProperties;
            return (
              <tr
                key={row.span.spanID}
                data-span={row.span.spanID}
                data-depth={row.depth}
                className={row.error ? 'trace__row--error' : undefined}
              >
                <td className="trace__service">{row.service}</td>
                <td className="trace__operation" style={indent}>
                  <span className="mono">{row.span.operationName}</span>
                  {row.linkedTo.map((operation) => (
                    <span key={operation} className="trace__link">
                      linked to {operation}
                    </span>
                  ))}
                </td>
                <td className="trace__timeline">
                  <span className="trace__bar" style={bar} aria-hidden="true" />
                </td>
                <td className="mono trace__duration">{formatMs(row.span.duration)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
