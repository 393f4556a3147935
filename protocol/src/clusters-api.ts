import { z } from 'zod';
import { PlacementLabelKey, VolumeDriverName } from './admission.ts';

/** Registries a cluster allows when none are configured: Docker Hub and local test images. */
export const DEFAULT_ALLOWED_REGISTRIES = ['docker.io', 'berth-test'];

/** Body to register a cluster (shared by a platform admin, or a tenant's own). */
export const CreateClusterBody = z.strictObject({
  name: z.string().trim().min(1).max(80),
  /**
   * Whether placement constraints may pin tenant services onto manager nodes. Off by default, as on
   * the agent (`BERTH_ALLOW_MANAGER_PLACEMENT`); tasks without constraints still run on a single-node swarm.
   */
  allowManagerPlacement: z.boolean().default(false),
  allowedRegistries: z.array(z.string().min(1).max(253)).max(50).default(DEFAULT_ALLOWED_REGISTRIES),
  /** Node label keys tenants may place by (`node.labels.<key>==…`); none by default. */
  allowedPlacementLabels: z.array(PlacementLabelKey).max(50).default([]),
  /** The volume driver tenant volumes use, always without driver options. */
  volumeDriver: VolumeDriverName.default('local'),
  /** Minutes the join token stays valid. */
  tokenTtlMinutes: z.number().int().min(1).max(7 * 24 * 60).default(60),
});
export type CreateClusterBody = z.infer<typeof CreateClusterBody>;

export const NewJoinTokenBody = z.strictObject({ tokenTtlMinutes: z.number().int().min(1).max(7 * 24 * 60).default(60) });

/** An enrolled node agent as the API shows it. */
export const AgentInfo = z.object({
  id: z.string(),
  hostname: z.string(),
  swarmNodeId: z.string(),
  version: z.string(),
  online: z.boolean(),
  lastSeenAt: z.string().nullable(),
  enrolledAt: z.string(),
});
export type AgentInfo = z.infer<typeof AgentInfo>;

export const Cluster = z.object({
  id: z.string(),
  name: z.string(),
  shared: z.boolean(),
  ownerTenantId: z.string().nullable(),
  allowManagerPlacement: z.boolean(),
  allowedRegistries: z.array(z.string()),
  allowedPlacementLabels: z.array(z.string()),
  volumeDriver: z.string(),
  /** Enrolled agents: listed to platform admins and to the tenant that owns the cluster; empty for a shared cluster seen by a tenant. */
  agents: z.array(AgentInfo),
  /** How many agents are enrolled and online: what every viewer may know of a cluster's nodes. */
  nodes: z.object({ total: z.number().int(), online: z.number().int() }),
  createdAt: z.string(),
});
export type Cluster = z.infer<typeof Cluster>;

/** Answer to cluster registration / a new join token: the token is shown once. */
export const ClusterJoin = z.object({
  cluster: Cluster,
  joinToken: z.string(),
  expiresAt: z.string(),
  /** Ready-to-paste command for a Swarm manager. */
  enrollCommand: z.string(),
});
export type ClusterJoin = z.infer<typeof ClusterJoin>;
