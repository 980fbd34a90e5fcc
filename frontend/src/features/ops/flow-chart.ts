// The lab chart's geometry, apart from React: seconds and samples to SVG coordinates, faults to bands.
export const CHART_WIDTH = 600;
export const CHART_HEIGHT = 160;

export interface FlowData {
  /** Epoch ms of the first second. */
  from: number;
  accepted: number[];
  shipped: number[];
  lag: { at: number; records: number }[];
}

export interface FaultSpan {
  fault: string;
  target: string;
  startedAt: string;
  endedAt: string | null;
}

export interface Band {
  x: number;
  width: number;
  fault: string;
  /** What the band's tooltip and accessible name say. */
  label: string;
}

const polyline = (points: [number, number][]) => points.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(' ');

/** The window's time → x, and a value on a scale topped by `max` → y (the bottom while all are zero). */
function scales(flow: FlowData) {
  const span = Math.max(1, flow.accepted.length) * 1000;
  const x = (at: number) => Math.min(CHART_WIDTH, Math.max(0, ((at - flow.from) / span) * CHART_WIDTH));
  const y = (value: number, max: number) =>
    max > 0 ? CHART_HEIGHT - 1 - (value / max) * (CHART_HEIGHT - 4) : CHART_HEIGHT - 1;
  return { span, x, y };
}

export function flowChart(flow: FlowData, faults: readonly FaultSpan[], time: (iso: string) => string) {
  const { span, x, y } = scales(flow);
  const rateMax = Math.max(1, ...flow.accepted, ...flow.shipped);
  const lagMax = Math.max(1, ...flow.lag.map((s) => s.records));
  // Each second's count drawn at the middle of its second.
  const line = (series: number[]) => polyline(series.map((v, i) => [x(flow.from + i * 1000 + 500), y(v, rateMax)]));
  const until = flow.from + span;
  const bands: Band[] = faults.flatMap((f) => {
    const start = Date.parse(f.startedAt);
    const end = f.endedAt === null ? until : Date.parse(f.endedAt);
    if (end < flow.from || start > until) return [];
    const left = x(start);
    const during = f.endedAt === f.startedAt ? '' : f.endedAt === null ? ' – on' : ` – ${time(f.endedAt)}`;
    // An instant fault (a kill, a record) is a thin line; a lasting one spans its time.
    return [
      { x: left, width: Math.max(2, x(end) - left), fault: f.fault, label: `${f.fault} ${time(f.startedAt)}${during}` },
    ];
  });
  return {
    accepted: line(flow.accepted),
    shipped: line(flow.shipped),
    lag: polyline(flow.lag.map((s) => [x(s.at), y(s.records, lagMax)])),
    bands,
    rateMax,
    lagMax,
  };
}
