export * from './auth.ts';
export * from './tenants.ts';
export * from './audit.ts';
export * from './platform.ts';
export * from './clusters.ts';
export * from './agent-services.ts';
export * from './usage.ts';
