/**
 * One generated OpenAPI document, two audiences: the public one (`/api/openapi.json`, Swagger UI) leaves out the
 * internal API — its paths and its bearer scheme — which only the processors call; the whole one is served at
 * `/internal/openapi.json` behind the service token (for the contract fuzzer and the team).
 */
interface Document {
  paths?: Record<string, unknown>;
  components?: { securitySchemes?: Record<string, unknown>; [key: string]: unknown };
  [key: string]: unknown;
}

export const INTERNAL_PREFIX = '/internal';

export function publicDocument<T extends object>(whole: T): T {
  const full = whole as Document;
  const paths = Object.fromEntries(
    Object.entries(full.paths ?? {}).filter(([path]) => !path.startsWith(`${INTERNAL_PREFIX}/`)),
  );
  const { securitySchemes: _internalOnly, ...components } = full.components ?? {};
  return { ...full, paths, components } as T;
}
