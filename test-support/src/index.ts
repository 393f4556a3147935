// Test doubles and harnesses shared across workspaces. Import a module by its subpath
// (`@berth/test-support/fake-docker-port`) so a test loads only the packages that module needs:
// the fake Docker port pulls in the agent, the swarm stack the whole edge.
export * from './capture-mailer.ts';
export * from './fake-docker-port.ts';
export * from './inbox.ts';
export * from './swarm-stack.ts';
export * from './tenant-objects.ts';
