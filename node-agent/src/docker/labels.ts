/** Labels Berth puts on every Swarm object it manages; reconcile only ever touches `berth.managed=true`. */
export const LABEL = {
  managed: 'berth.managed',
  tenant: 'berth.tenant',
  agentService: 'berth.agent-service',
  specHash: 'berth.spec-hash',
  secretName: 'berth.secret-name',
  contentHash: 'berth.content-hash',
  network: 'berth.network',
  /** On a service: ids of the Swarm secrets its last update stopped using, removed once it converged. */
  retiredSecrets: 'berth.retired-secrets',
} as const;

/** The label filter selecting every Berth-managed object. */
export const MANAGED_FILTER = `${LABEL.managed}=true`;

/** The label filter selecting the Berth objects of one agent service. */
export function agentServiceFilter(tenantId: string, agentServiceId: string): string[] {
  return [MANAGED_FILTER, `${LABEL.tenant}=${tenantId}`, `${LABEL.agentService}=${agentServiceId}`];
}

/** Labels identifying one agent service. */
export function serviceLabels(tenantId: string, agentServiceId: string, specHash: string): Record<string, string> {
  return { [LABEL.managed]: 'true', [LABEL.tenant]: tenantId, [LABEL.agentService]: agentServiceId, [LABEL.specHash]: specHash };
}
