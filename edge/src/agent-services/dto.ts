import { AgentServiceSpec, TaskSummary, type AgentService } from '@berth/protocol';
import { z } from 'zod';
import type { Row } from './transition.ts';
import { shownStatus } from './shown-status.ts';

const Tasks = z.array(TaskSummary);

/** The API view of a stored service; `online` are the clusters with a reachable agent. */
export function toDto(row: Row, online: Set<string>): AgentService {
  const shown = shownStatus(row, online);
  return {
    id: row.id,
    tenantId: row.tenantId,
    clusterId: row.clusterId,
    name: row.name,
    spec: AgentServiceSpec.parse(JSON.parse(row.spec)),
    specHash: row.specHash,
    replicas: row.replicas,
    status: shown.status,
    statusReason: shown.statusReason,
    tasks: Tasks.catch([]).parse(JSON.parse(row.tasks)),
    observedAt: row.observedAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
