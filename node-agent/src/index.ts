// Library surface for other workspaces' tests (e.g. an edge test driving a real agent pipeline).
export { createAgent, type Agent, type AgentDeps } from './agent.ts';
export { FakeDockerPort } from './docker/fake-docker-port.ts';
export type { DockerPort } from './docker/docker-port.ts';
export { StateFile } from './state/state-file.ts';
export type { AgentState } from './state/agent-state.ts';
export { AGENT_VERSION } from './version.ts';
