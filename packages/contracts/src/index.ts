export * from './backoff.ts';
export * from './env.ts';
export * from './events.ts';
export * from './kafka.ts';
export * from './ops.ts';
export * from './privacy.ts';
export * from './schemas.ts';
export * from './status.ts';
