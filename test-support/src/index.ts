// Test doubles and harnesses shared across workspaces. Import a module by its subpath
// (`@berth/test-support/fake-docker-port`) so a test loads only the packages that module needs.
export * from './fake-docker-port.ts';
