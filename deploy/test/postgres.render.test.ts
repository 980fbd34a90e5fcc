// PostgreSQL in every rendering: its data survives a restart, and the Order Service reaches it with the
// credentials it was initialised with.
import { describe, expect, it } from 'vitest';
import { containerOf, envOf, findService, findStatefulSet, plainValue, podSpecOf } from './support/manifests.ts';
import { renderEverything } from './support/renderings.ts';
import { SERVICES } from './support/services.ts';

const rendered = renderEverything();

describe('PostgreSQL', () => {
  it('keeps PostgreSQL on a persistent volume (StatefulSet with a claim template)', () => {
    for (const [name, list] of rendered.all()) {
      const postgres = findStatefulSet(list, 'postgres');
      const pgContainer = podSpecOf(postgres).containers[0];
      expect(postgres.spec?.volumeClaimTemplates?.[0]?.metadata?.name, name).toBe('data');
      expect(pgContainer?.image, name).toMatch(/^postgres:18/);
      // PostgreSQL 18 images refuse a volume at /var/lib/postgresql/data: it belongs one level up.
      expect(pgContainer?.volumeMounts?.find((m) => m.name === 'data')?.mountPath, name).toBe('/var/lib/postgresql');
    }
  });

  it('wires the Order Service to PostgreSQL: its Service, database and the Secret keys it starts with', () => {
    for (const [name, list] of rendered.all()) {
      const order = containerOf(list, SERVICES.order.name);
      const fromSecret = envOf(order).get('DATABASE_URL')?.valueFrom?.secretKeyRef;
      if (fromSecret) {
        // Production: the whole URL from a Secret (a managed PostgreSQL is one Secret away), no parts beside it.
        expect(fromSecret, name).toEqual({ name: 'order-service-database', key: 'url' });
        expect([...envOf(order).keys()], name).not.toContain('DB_PASSWORD');
        continue;
      }
      const url = new URL(plainValue(order, 'DATABASE_URL').replace(/\$\(([A-Z_]+)\)/g, 'x'));
      const postgresService = findService(list, url.hostname);
      expect(
        postgresService.spec?.ports?.map((p) => String(p.port)),
        name,
      ).toContain(url.port);
      const pg = podSpecOf(findStatefulSet(list, 'postgres')).containers[0];
      if (!pg) throw new Error(`${name}: the postgres StatefulSet has no container`);
      expect(url.pathname, name).toBe(`/${plainValue(pg, 'POSTGRES_DB')}`);
      // User and password come from the same Secret keys PostgreSQL is initialised with.
      const orderEnv = envOf(order);
      const pgEnv = envOf(pg);
      expect(orderEnv.get('DB_USER')?.valueFrom?.secretKeyRef, name).toEqual(
        pgEnv.get('POSTGRES_USER')?.valueFrom?.secretKeyRef,
      );
      expect(orderEnv.get('DB_PASSWORD')?.valueFrom?.secretKeyRef, name).toEqual(
        pgEnv.get('POSTGRES_PASSWORD')?.valueFrom?.secretKeyRef,
      );
    }
  });
});
