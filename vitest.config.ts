import { defineConfig } from 'vitest/config';

// Test tiers by file name: *.unit.test.ts (no I/O), deploy/test/*.render.test.ts (render deploy/k8s with the
// pinned kustomize, built with `go install` when missing; no cluster) and deploy/test/*.cluster.test.ts (applied
// to a Kubernetes control plane on loopback, built the same way), *.int.test.ts (the real PostgreSQL and
// Kafka that tests/support/harness/test-setup.ts starts or reuses), tests/e2e/*.e2e.test.ts (real browser against the real stack).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: [
            'packages/*/test/**/*.unit.test.ts',
            'services/*/test/**/*.unit.test.ts',
            'dev/test/**/*.unit.test.ts',
            'deploy/test/**/*.unit.test.ts',
            'tests/**/*.unit.test.ts',
            'bench/**/*.unit.test.ts',
          ],
        },
      },
      {
        test: {
          name: 'deploy',
          // *.cluster.test.ts: the overlays applied to a real API server (built from the Go module proxy).
          include: ['deploy/test/**/*.render.test.ts', 'deploy/test/**/*.cluster.test.ts'],
          // kustomize once for all files, not one `go install` per file on a fresh machine.
          globalSetup: ['deploy/test/support/kustomize-setup.ts'],
        },
      },
      'frontend/vite.config.ts',
      {
        test: {
          name: 'integration',
          include: [
            'services/*/test/**/*.int.test.ts',
            'dev/test/**/*.int.test.ts',
            'tests/**/*.int.test.ts',
            'tests/e2e/**/*.e2e.test.ts',
          ],
          globalSetup: ['tests/support/harness/test-setup.ts'],
          setupFiles: ['tests/support/cleanup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          // Two cores: the servers need CPU too.
          maxWorkers: 2,
          // Runs after the unit and frontend tiers (a project with its own worker limit needs its own group).
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
