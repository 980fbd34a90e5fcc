import { useEffect, useRef } from 'react';
import { Link, NavLink, Outlet, useLocation } from 'react-router';
import { itemCount } from '../lib/cart/cart.ts';
import { useCart } from '../lib/cart/cart-provider.tsx';

export function Layout() {
  const { lines } = useCart();
  const count = itemCount(lines);
  const main = useRef<HTMLElement>(null);
  const { pathname } = useLocation();
  const shownPath = useRef(pathname);

  // After an in-app navigation, start keyboard and screen-reader users at the new page's content.
  useEffect(() => {
    if (shownPath.current === pathname) return;
    shownPath.current = pathname;
    main.current?.focus({ preventScroll: true });
    window.scrollTo?.(0, 0);
  }, [pathname]);

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="site-header">
        <div className="site-header__inner">
          <Link to="/" className="brand" aria-label="MetalMart home">
            <svg className="brand__mark" viewBox="0 0 64 64" aria-hidden="true" focusable="false">
              <path d="M12 48V16h8l12 16 12-16h8v32h-8V29L32 44 20 29v19z" />
            </svg>
            <span className="brand__name">
              Metal<span>Mart</span>
            </span>
          </Link>
          <nav aria-label="Main" className="site-nav">
            <NavLink to="/" end>
              Shop
            </NavLink>
            <NavLink to="/ops">Pipeline</NavLink>
            <NavLink
              to="/cart"
              className="site-nav__cart"
              aria-label={`Cart, ${count} ${count === 1 ? 'item' : 'items'}`}
            >
              Cart
              <span className="badge" data-testid="cart-count" aria-hidden="true">
                {count}
              </span>
            </NavLink>
          </nav>
        </div>
      </header>
      <main id="main" className="site-main" ref={main} tabIndex={-1}>
        <Outlet />
      </main>
      <footer className="site-footer">
        <p>MetalMart is a demo shop: Order Service → Kafka → Order Processor. No real orders, no real payments.</p>
      </footer>
    </div>
  );
}
