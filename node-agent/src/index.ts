// Library surface for other workspaces' tests (e.g. an edge test driving a real agent pipeline).
export { createAgent, type Agent, type AgentDeps } from './agent.ts';
export type { DockerEvent, DockerPort, EngineEventType, EngineServiceSpec, NetworkCreateSpec, RawServiceSpec, SwarmObject, SwarmService, SwarmTask } from './docker/docker-port.ts';
export { DockerError } from './errors.ts';
export { StateFile } from './state/state-file.ts';
export type { AgentState } from './state/agent-state.ts';
export { AGENT_VERSION } from './version.ts';
