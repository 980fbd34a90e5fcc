export function ProductsLoading() {
  return (
    <p className="notice" role="status">
      <span className="spinner" aria-hidden="true" /> Loading the catalog…
    </p>
  );
}

export function ProductsError({ onRetry }: { onRetry: () => void }) {
  return (
    <div className="notice notice--error" role="alert">
      <p>
        <strong>We couldn’t load the catalog.</strong> The shop’s API is not answering right now.
      </p>
      <button type="button" className="button" onClick={onRetry}>
        Try again
      </button>
    </div>
  );
}
