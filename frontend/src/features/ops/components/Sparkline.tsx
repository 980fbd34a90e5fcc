const WIDTH = 120;
const HEIGHT = 32;

/** Values as a polyline scaled to the largest one; flat at the bottom while everything is zero. */
export function sparklinePoints(values: readonly number[]): string {
  if (values.length === 0) return '';
  const max = Math.max(...values, 0);
  const step = values.length > 1 ? WIDTH / (values.length - 1) : 0;
  return values
    .map((value, index) => {
      const y = max > 0 ? HEIGHT - (value / max) * (HEIGHT - 2) - 1 : HEIGHT - 1;
      return `${(index * step).toFixed(1)},${y.toFixed(1)}`;
    })
    .join(' ');
}

export function Sparkline({ values, label }: { values: readonly number[]; label: string }) {
  const now = values.at(-1) ?? 0;
  return (
    <div className="ops-rate">
      <svg
        className="ops-rate__sparkline"
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        preserveAspectRatio="none"
        role="img"
        aria-label={`${label} per second, last minute, now ${now.toFixed(1)}`}
      >
        <polyline points={sparklinePoints(values)} fill="none" vectorEffect="non-scaling-stroke" />
      </svg>
      <p className="ops-rate__value">
        <strong>{now.toFixed(1)}</strong>/s <span className="ops-muted">{label.toLowerCase()}</span>
      </p>
    </div>
  );
}
