import type { Violation } from './admission-codes.ts';

/** What a placement constraint may use: the cluster's allowed node label keys and whether managers may be chosen. */
export interface PlacementPolicy {
  allowManagerPlacement: boolean;
  allowedPlacementLabels: readonly string[];
}

const LABEL_PREFIX = 'node.labels.';
/** The only accepted shape: canonical key, `==`/`!=` with optional blanks, a plain value. */
const ALLOWED_SHAPE = /^(node\.labels\.[A-Za-z0-9][A-Za-z0-9_.-]*|node\.role)[ \t]*(==|!=)[ \t]*([A-Za-z0-9][A-Za-z0-9_.-]{0,127})$/;

/** Splits a constraint the way Swarm does: `==` is tried before `!=`, parts are trimmed. */
function swarmSplit(constraint: string): { key: string; op: '==' | '!='; value: string } | undefined {
  for (const op of ['==', '!='] as const) {
    const i = constraint.indexOf(op);
    if (i === -1) continue;
    return { key: constraint.slice(0, i).trim(), op, value: constraint.slice(i + op.length).trim() };
  }
  return undefined;
}

/** True when Swarm would read the constraint as possibly selecting a manager (keys and values compare case-insensitively). */
function mayPickManager(constraint: string): boolean {
  const parts = swarmSplit(constraint);
  if (!parts || parts.key.toLowerCase() !== 'node.role') return false;
  const value = parts.value.toLowerCase();
  return parts.op === '==' ? value !== 'worker' : value !== 'manager';
}

/**
 * Checks one Swarm placement constraint against an allowlist: `node.labels.<key>` (exact spelling) for a
 * key the cluster allows, `node.role==worker` / `node.role!=manager` (these only keep tasks off
 * managers), and `node.role==manager` / `node.role!=worker` when the policy allows manager placement.
 * Everything else (`node.hostname`, `node.id`, `node.ip`, `node.platform.*`, `engine.labels.*`, other
 * label keys, case variants of any key or value) is refused. Undefined means admitted.
 */
export function checkConstraint(constraint: string, policy: PlacementPolicy, path: string): Violation | undefined {
  const m = ALLOWED_SHAPE.exec(constraint);
  if (m) {
    const [, key = '', op, value] = m;
    if (key.startsWith(LABEL_PREFIX)) {
      if (policy.allowedPlacementLabels.includes(key.slice(LABEL_PREFIX.length))) return undefined;
    } else if ((op === '==' && value === 'worker') || (op === '!=' && value === 'manager')) {
      return undefined;
    } else if (policy.allowManagerPlacement && (value === 'manager' || value === 'worker')) {
      return undefined;
    }
  }
  if (mayPickManager(constraint) && !policy.allowManagerPlacement) {
    return { code: 'POLICY_MANAGER_PLACEMENT', path, message: 'placing tasks on Swarm managers is not allowed' };
  }
  const allowed = policy.allowedPlacementLabels.map((k) => `node.labels.${k}`).join(', ') || 'none';
  return { code: 'POLICY_PLACEMENT', path, message: `placement constraints may only use the node labels this cluster allows (${allowed})` };
}
