import { createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import { Cluster, ClusterJoin, CreateClusterBody, EnrollRequest, EnrollResponse, NewJoinTokenBody } from '@berth/protocol';
import { createCluster, findClusterFor, clusterDto, issueJoinToken, listClusters, type ClusterDeps } from '../services/clusters.ts';
import { enrollAgent } from '../services/enrollment.ts';
import { revokeAgent, type RevocationDeps } from '../services/agent-revocation.ts';
import type { EdgeKey } from '../agents/edge-key.ts';
import { errors, json, jsonBody, TenantParam, type App } from './openapi.ts';
import { requestFacts, scopeOf } from './request-facts.ts';

const tags = ['clusters'];
const ClusterParam = z.object({ clusterId: z.string().min(1).max(64) });
const Items = z.object({ items: z.array(Cluster) });
const AgentParam = ClusterParam.extend({ agentId: z.string().min(1).max(64) });
const Revoked = z.object({ id: z.string(), revokedAt: z.string() });

export function registerClusterRoutes(app: App, deps: ClusterDeps & RevocationDeps & { edgeKey: EdgeKey }) {
  // Shared clusters (platform admins).
  app.openapi(
    createRoute({ method: 'post', path: '/api/v1/clusters', tags, request: { body: jsonBody(CreateClusterBody) }, responses: { 201: json(ClusterJoin, 'registered; the join token is shown once'), ...errors } }),
    async (c) => c.json(await createCluster(deps, requestFacts(c), null, c.req.valid('json')), 201),
  );
  app.openapi(
    createRoute({ method: 'get', path: '/api/v1/clusters', tags, responses: { 200: json(Items, 'shared clusters'), ...errors } }),
    async (c) => c.json({ items: await listClusters(deps, null) }, 200),
  );
  app.openapi(
    createRoute({ method: 'get', path: '/api/v1/clusters/{clusterId}', tags, request: { params: ClusterParam }, responses: { 200: json(Cluster, 'a shared cluster'), ...errors } }),
    async (c) => c.json(await clusterDto(deps.db, await findClusterFor(deps.db, c.req.valid('param').clusterId, null), deps.clock.now(), 'full'), 200),
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/clusters/{clusterId}/join-tokens',
      tags,
      request: { params: ClusterParam, body: jsonBody(NewJoinTokenBody) },
      responses: { 201: json(ClusterJoin, 'a new one-time join token'), ...errors },
    }),
    async (c) => c.json(await issueJoinToken(deps, requestFacts(c), null, c.req.valid('param').clusterId, c.req.valid('json').tokenTtlMinutes), 201),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/clusters/{clusterId}/agents/{agentId}/revoke',
      tags,
      request: { params: AgentParam },
      responses: { 200: json(Revoked, 'revoked; its sockets are closed and its key refused'), ...errors },
    }),
    async (c) => c.json(await revokeAgent(deps, requestFacts(c), null, c.req.valid('param').clusterId, c.req.valid('param').agentId), 200),
  );

  // A tenant's own clusters (and the shared ones it may use).
  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/tenants/{tenant}/clusters',
      tags,
      request: { params: TenantParam, body: jsonBody(CreateClusterBody) },
      responses: { 201: json(ClusterJoin, "registered as this tenant's own"), ...errors },
    }),
    async (c) => c.json(await createCluster(deps, requestFacts(c), scopeOf(c), c.req.valid('json')), 201),
  );
  app.openapi(
    createRoute({ method: 'get', path: '/api/v1/tenants/{tenant}/clusters', tags, request: { params: TenantParam }, responses: { 200: json(Items, 'own and shared clusters'), ...errors } }),
    async (c) => c.json({ items: await listClusters(deps, scopeOf(c)) }, 200),
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/tenants/{tenant}/clusters/{clusterId}/join-tokens',
      tags,
      request: { params: TenantParam.extend({ clusterId: z.string().min(1).max(64) }), body: jsonBody(NewJoinTokenBody) },
      responses: { 201: json(ClusterJoin, 'a new one-time join token'), ...errors },
    }),
    async (c) => c.json(await issueJoinToken(deps, requestFacts(c), scopeOf(c), c.req.valid('param').clusterId, c.req.valid('json').tokenTtlMinutes), 201),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/tenants/{tenant}/clusters/{clusterId}/agents/{agentId}/revoke',
      tags,
      request: { params: TenantParam.merge(AgentParam) },
      responses: { 200: json(Revoked, 'revoked; its sockets are closed and its key refused'), ...errors },
    }),
    async (c) => c.json(await revokeAgent(deps, requestFacts(c), scopeOf(c), c.req.valid('param').clusterId, c.req.valid('param').agentId), 200),
  );

  // Agents enroll with a join token (no session).
  app.openapi(
    createRoute({ method: 'post', path: '/api/v1/agents/enroll', tags: ['agents'], request: { body: jsonBody(EnrollRequest) }, responses: { 201: json(EnrollResponse, 'enrolled'), ...errors } }),
    async (c) => c.json(await enrollAgent(deps, requestFacts(c), c.req.valid('json')), 201),
  );
}
