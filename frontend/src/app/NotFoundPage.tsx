import { Link } from 'react-router';
import { usePageTitle } from '../lib/use-page-title.ts';

export function NotFoundPage() {
  usePageTitle('Page not found');
  return (
    <section className="panel empty-state">
      <h1>Page not found</h1>
      <p>There is nothing at this address.</p>
      <Link className="button button--primary" to="/">
        Back to the shop
      </Link>
    </section>
  );
}
