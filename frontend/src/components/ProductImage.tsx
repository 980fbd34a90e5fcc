import { useState } from 'react';

interface ProductImageProps {
  src: string;
  name: string;
  className?: string;
  size?: number;
  /** Decorative where the product's name is right next to it (cart lines). */
  decorative?: boolean;
  eager?: boolean;
}

/** The product's picture from the Order Service, or a plain plate with its initial if it cannot load. */
export function ProductImage({
  src,
  name,
  className = '',
  size = 320,
  decorative = false,
  eager = false,
}: ProductImageProps) {
  const [failed, setFailed] = useState(false);
  if (failed) {
    const initial = <span>{name.slice(0, 1)}</span>;
    const classes = `product-image product-image--missing ${className}`;
    return decorative ? (
      <div className={classes} aria-hidden="true">
        {initial}
      </div>
    ) : (
      <div className={classes} role="img" aria-label={name}>
        {initial}
      </div>
    );
  }
  return (
    <img
      className={`product-image ${className}`}
      src={src}
      alt={decorative ? '' : name}
      width={size}
      height={Math.round((size * 4) / 5)}
      loading={eager ? 'eager' : 'lazy'}
      decoding="async"
      onError={() => setFailed(true)}
    />
  );
}
