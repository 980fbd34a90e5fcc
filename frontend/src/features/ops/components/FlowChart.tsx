import { formatTime } from '../../../lib/format.ts';
import { useFaults } from '../api/stack-api.ts';
import { CHART_HEIGHT, CHART_WIDTH, type FlowData, flowChart } from '../flow-chart.ts';

const time = (iso: string) => formatTime(new Date(iso));

/**
 * The presenter's picture: orders accepted and shipped a second, the lag, and each fault of the lab as a band,
 * over the last five minutes.
 */
export function FlowChart({ flow }: { flow: FlowData }) {
  const faults = useFaults();
  const chart = flowChart(flow, faults.data?.timeline ?? [], time);
  const last = (series: number[]) => series.at(-2) ?? 0; // the current second is still filling
  return (
    <figure className="ops-flow">
      <svg
        viewBox={`0 0 ${CHART_WIDTH} ${CHART_HEIGHT}`}
        preserveAspectRatio="none"
        role="img"
        aria-label={`Accepted and shipped orders a second and the lag over the last five minutes, with ${chart.bands.length} fault${chart.bands.length === 1 ? '' : 's'}`}
      >
        {chart.bands.map((band) => (
          <rect
            key={`${band.fault}${band.x}`}
            className="ops-flow__band"
            data-fault={band.fault}
            x={band.x}
            width={band.width}
            y={0}
            height={CHART_HEIGHT}
          >
            <title>{band.label}</title>
          </rect>
        ))}
        <polyline className="ops-flow__lag" points={chart.lag} vectorEffect="non-scaling-stroke" />
        <polyline className="ops-flow__accepted" points={chart.accepted} vectorEffect="non-scaling-stroke" />
        <polyline className="ops-flow__shipped" points={chart.shipped} vectorEffect="non-scaling-stroke" />
      </svg>
      <figcaption className="ops-flow__legend">
        <span className="ops-flow__key ops-flow__key--accepted">accepted {last(flow.accepted)}/s</span>
        <span className="ops-flow__key ops-flow__key--shipped">shipped {last(flow.shipped)}/s</span>
        <span className="ops-flow__key ops-flow__key--lag">lag {flow.lag.at(-1)?.records ?? 0}</span>
        <span className="ops-flow__key ops-flow__key--fault">faults</span>
        <span className="ops-muted">
          scale: {chart.rateMax}/s, lag {chart.lagMax} records
        </span>
      </figcaption>
    </figure>
  );
}
