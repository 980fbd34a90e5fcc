import { describe, expect, it } from 'vitest';
import { publicDocument } from '../src/openapi.ts';

describe('public OpenAPI document', () => {
  it('leaves out the internal API and its token scheme, keeps the rest', () => {
    const full = {
      openapi: '3.0.3',
      paths: { '/api/orders': { post: {} }, '/internal/orders/{id}/status': { put: {} }, '/api/products': {} },
      components: { securitySchemes: { serviceToken: { type: 'http' } }, schemas: { Order: {} } },
    };
    const doc = publicDocument(full);
    expect(Object.keys(doc.paths)).toEqual(['/api/orders', '/api/products']);
    expect(doc.components).toEqual({ schemas: { Order: {} } });
    expect(full.paths).toHaveProperty('/internal/orders/{id}/status'); // the whole one is untouched
  });
});
