import { Route, Routes } from 'react-router';
import { CartPage } from '../features/cart/components/CartPage.tsx';
import { CatalogPage } from '../features/catalog/components/CatalogPage.tsx';
import { ProductDetailPage } from '../features/catalog/components/ProductDetailPage.tsx';
import { CheckoutPage } from '../features/checkout/components/CheckoutPage.tsx';
import { ConfirmationPage } from '../features/checkout/components/ConfirmationPage.tsx';
import { OpsPage } from '../features/ops/components/OpsPage.tsx';
import { TracePage } from '../features/traces/components/TracePage.tsx';
import { TrackingPage } from '../features/tracking/components/TrackingPage.tsx';
import { Layout } from './Layout.tsx';
import { NotFoundPage } from './NotFoundPage.tsx';

export function AppRoutes() {
  return (
    <Routes>
      <Route element={<Layout />}>
        <Route index element={<CatalogPage />} />
        <Route path="products/:productId" element={<ProductDetailPage />} />
        <Route path="cart" element={<CartPage />} />
        <Route path="checkout" element={<CheckoutPage />} />
        <Route path="order-confirmation/:orderNumber" element={<ConfirmationPage />} />
        <Route path="track/:trackingToken" element={<TrackingPage />} />
        <Route path="ops" element={<OpsPage />} />
        <Route path="traces/:traceId" element={<TracePage />} />
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}
