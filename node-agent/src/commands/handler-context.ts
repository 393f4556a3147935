import type { AdmissionPolicy, Command, CommandResult } from '@berth/protocol';
import type { DockerPort } from '../docker/docker-port.ts';
import type { Logger } from '../logger.ts';

/** What every command handler gets. */
export interface HandlerContext {
  docker: DockerPort;
  policy: AdmissionPolicy;
  log: Logger;
}

/** A handler of one command kind. It may throw; dispatch turns errors into failed results. */
export type Handler<K extends Command['kind']> = (cmd: Extract<Command, { kind: K }>, ctx: HandlerContext) => Promise<CommandResult>;

/** One handler per command kind: adding a kind without a handler fails to compile. */
export type HandlerTable = { [K in Command['kind']]: Handler<K> };
