import { checkAdmission, type AdmissionPolicy, type AgentServiceSpec } from '@berth/protocol';
import { AppError } from '../errors.ts';

/** Refuses a spec the cluster's admission policy does not allow (422 ADMISSION_DENIED). */
export function admit(spec: AgentServiceSpec, policy: AdmissionPolicy) {
  const violations = checkAdmission(spec, policy);
  if (violations.length > 0) {
    throw new AppError(422, 'ADMISSION_DENIED', `the spec is refused: ${violations[0]?.message ?? 'policy violation'}`, { violations });
  }
}

export type Footprint = ReturnType<typeof footprint>;

/** What one service reserves against the tenant's quota. */
export const footprint = (spec: { replicas: number; limits: { cpu: number; memoryMb: number } }) => ({
  services: 1,
  replicas: spec.replicas,
  cpuMillis: Math.round(spec.limits.cpu * 1000) * spec.replicas,
  memoryMb: spec.limits.memoryMb * spec.replicas,
});

export const add = (a: Footprint, b: Footprint): Footprint => ({
  services: a.services + b.services,
  replicas: a.replicas + b.replicas,
  cpuMillis: a.cpuMillis + b.cpuMillis,
  memoryMb: a.memoryMb + b.memoryMb,
});
