export type { AgentServiceDeps, CommandSink } from './deps.ts';
export { createAgentService } from './create.ts';
export { updateAgentService } from './update.ts';
export { changeLifecycle, type Lifecycle } from './lifecycle-actions.ts';
export { getAgentService, listAgentServices } from './queries.ts';
export { tailLogs } from './logs.ts';
export { usage } from './usage.ts';
export { observe, type Observation, type Report, type StatusDeps } from './observe.ts';
