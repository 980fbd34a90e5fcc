import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { ProductImage } from '../../../components/ProductImage.tsx';
import { QuantityInput } from '../../../components/QuantityInput.tsx';
import { useAnnounce } from '../../../lib/announcer.tsx';
import { canAddLine } from '../../../lib/cart/cart.ts';
import { useCart } from '../../../lib/cart/cart-provider.tsx';
import { formatMoney } from '../../../lib/format.ts';
import { usePageTitle } from '../../../lib/use-page-title.ts';
import { useProducts } from '../api/get-products.ts';
import '../catalog.css';
import { ProductsError, ProductsLoading } from './ProductsProblem.tsx';

export function ProductDetailPage() {
  const { productId = '' } = useParams();
  const products = useProducts();
  const cart = useCart();
  const announce = useAnnounce();
  const [quantity, setQuantity] = useState(1);
  const product = products.data?.find((p) => p.id === productId);
  usePageTitle(product?.name ?? 'Product');

  if (!products.data) {
    return products.isError ? <ProductsError onRetry={() => void products.refetch()} /> : <ProductsLoading />;
  }
  if (!product) {
    return (
      <section className="panel empty-state">
        <h1>Product not found</h1>
        <p>We don’t sell anything called “{productId}”. It may have been retired.</p>
        <Link className="button button--primary" to="/">
          Back to the shop
        </Link>
      </section>
    );
  }

  const inCart = cart.lines.find((line) => line.productId === product.id)?.quantity ?? 0;
  const add = () => {
    cart.add(product, quantity);
    announce(`Added ${quantity} × ${product.name} to your cart.`);
  };

  return (
    <>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/">Shop</Link> <span aria-hidden="true">›</span> <span aria-current="page">{product.name}</span>
      </nav>
      <article className="product-detail panel">
        <ProductImage src={product.imageUrl} name={product.name} className="product-detail__image" size={480} eager />
        <div className="product-detail__info">
          <h1>{product.name}</h1>
          <p className="price price--large">{formatMoney(product.priceCents, product.currency)}</p>
          <p className="product-detail__description">{product.description}</p>
          <div className="product-detail__buy">
            <QuantityInput label="Quantity" productName={product.name} value={quantity} onChange={setQuantity} />
            <button
              type="button"
              className="button button--primary button--large"
              disabled={!canAddLine(cart.lines, product.id)}
              onClick={add}
            >
              Add to cart
            </button>
          </div>
          {inCart > 0 && (
            <p className="product-detail__in-cart">
              {inCart} in your cart · <Link to="/cart">View cart</Link>
            </p>
          )}
        </div>
      </article>
    </>
  );
}
