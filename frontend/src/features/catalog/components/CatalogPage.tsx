import type { Product } from '@metalmart/contracts';
import { useAnnounce } from '../../../lib/announcer.tsx';
import { canAddLine } from '../../../lib/cart/cart.ts';
import { useCart } from '../../../lib/cart/cart-provider.tsx';
import { usePageTitle } from '../../../lib/use-page-title.ts';
import { useProducts } from '../api/get-products.ts';
import '../catalog.css';
import { ProductCard } from './ProductCard.tsx';
import { ProductsError, ProductsLoading } from './ProductsProblem.tsx';

export function CatalogPage() {
  usePageTitle('Shop');
  const products = useProducts();
  const cart = useCart();
  const announce = useAnnounce();

  const add = (product: Product) => {
    cart.add(product);
    announce(`Added ${product.name} to your cart.`);
  };

  return (
    <>
      <section className="hero" aria-labelledby="catalog-title">
        <h1 id="catalog-title">Forged for builders</h1>
        <p>
          Hand-picked hardware, shipped through a real event-driven pipeline: your order goes to the Order Service,
          through Kafka, to the Order Processor — and you can watch every step.
        </p>
      </section>
      {products.data ? (
        products.data.length === 0 ? (
          <p className="notice">The shelves are empty right now. Check back soon.</p>
        ) : (
          <ul className="product-grid" aria-label="Products">
            {products.data.map((product) => (
              <li key={product.id}>
                <ProductCard
                  product={product}
                  inCart={cart.lines.find((line) => line.productId === product.id)?.quantity ?? 0}
                  canAdd={canAddLine(cart.lines, product.id)}
                  onAdd={add}
                />
              </li>
            ))}
          </ul>
        )
      ) : products.isError ? (
        <ProductsError onRetry={() => void products.refetch()} />
      ) : (
        <ProductsLoading />
      )}
    </>
  );
}
