export * from './auth.ts';
export * from './tenants.ts';
export * from './audit.ts';
export * from './platform.ts';
