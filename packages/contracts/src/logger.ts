/**
 * What the services' parts log through: pino's calls (a message, or fields and a message), so that main.ts hands
 * them its pino logger and a test a plain object. A part that logs less asks for `Pick<Logger, 'warn'>`.
 */
export interface Logger {
  debug(obj: object | string, msg?: string): void;
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: unknown, msg?: string): void;
}
