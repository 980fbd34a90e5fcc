import type { Product } from '@metalmart/contracts';
import { Link } from 'react-router';
import { ProductImage } from '../../../components/ProductImage.tsx';
import { formatMoney } from '../../../lib/format.ts';

interface ProductCardProps {
  product: Product;
  inCart: number;
  canAdd: boolean;
  onAdd: (product: Product) => void;
}

export function ProductCard({ product, inCart, canAdd, onAdd }: ProductCardProps) {
  const nameId = `product-${product.id}-name`;
  return (
    <article className="product-card" aria-labelledby={nameId} data-product-id={product.id}>
      <Link to={`/products/${product.id}`} className="product-card__image" tabIndex={-1} aria-hidden="true">
        <ProductImage src={product.imageUrl} name={product.name} decorative />
      </Link>
      <div className="product-card__body">
        <h2 className="product-card__name" id={nameId}>
          <Link to={`/products/${product.id}`}>{product.name}</Link>
        </h2>
        <p className="product-card__description">{product.description}</p>
      </div>
      <div className="product-card__footer">
        <p className="price">{formatMoney(product.priceCents, product.currency)}</p>
        <button
          type="button"
          className="button button--primary"
          aria-describedby={nameId}
          disabled={!canAdd}
          onClick={() => onAdd(product)}
        >
          Add to cart
        </button>
      </div>
      <p className="product-card__in-cart">{inCart > 0 ? `${inCart} in your cart` : '\u00a0'}</p>
    </article>
  );
}
