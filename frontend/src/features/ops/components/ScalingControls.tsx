import { ApiError } from '../../../lib/http.ts';
import { useProcessors, useSetProcessorCount } from '../api/stack-api.ts';

/** Starts and stops Order Processor instances through the local stack runner, to watch the group rebalance. */
export function ScalingControls() {
  const processors = useProcessors();
  const scale = useSetProcessorCount();
  const { data } = processors;

  if (!data) {
    // Only the runner of `npm start` answers /stack; elsewhere scaling is someone else's job.
    return processors.problem ? (
      <p className="ops-muted" data-testid="scaling-unavailable">
        Scaling is available under npm start (<code>npm run scale -- N</code>)
      </p>
    ) : null;
  }

  const busy = scale.isPending;
  const error = scale.error && (scale.error instanceof ApiError ? scale.error.message : 'Scaling failed.');

  return (
    <div className="ops-scaling" data-testid="scaling">
      <p className="ops-scaling__count">
        Processor instances: <strong>{data.instances.length}</strong>
        {data.desired !== data.instances.length && <span className="ops-muted"> (scaling to {data.desired})</span>}
      </p>
      <div className="ops-scaling__buttons">
        <button type="button" className="button" disabled={busy} onClick={() => scale.mutate(data.desired + 1)}>
          Add instance
        </button>
        <button
          type="button"
          className="button"
          disabled={busy || data.desired === 0}
          onClick={() => scale.mutate(data.desired - 1)}
        >
          Remove instance
        </button>
      </div>
      {data.instances.length > 0 && (
        <ul className="ops-scaling__instances" aria-label="Processor instances">
          {data.instances.map((instance) => (
            <li key={instance.name} className="mono">
              {instance.name} :{instance.port}
              {instance.pid === null ? ' (starting)' : ` pid ${instance.pid}`}
            </li>
          ))}
        </ul>
      )}
      {error && (
        <p className="notice notice--error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
