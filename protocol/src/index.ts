export * from './version.ts';
export * from './errors.ts';
export * from './api.ts';
