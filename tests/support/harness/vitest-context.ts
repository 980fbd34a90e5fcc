// What the integration tier's global setup hands every test (`inject('databaseUrl')` etc.).
import type {} from 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    adminDatabaseUrl: string;
    kafkaBrokers: string;
  }
}
