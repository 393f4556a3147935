import { createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import {
  AgentService,
  AgentServiceDetails,
  AgentServiceListQuery,
  AgentServicePage,
  CreateAgentServiceBody,
  LogsQuery,
  ScaleBody,
  UpdateAgentServiceBody,
  Usage,
  UsageHistory,
  UsageHistoryQuery,
} from '@berth/protocol';
import { changeLifecycle, createAgentService, getAgentService, listAgentServices, tailLogs, updateAgentService, usage, type AgentServiceDeps } from '../agent-services/index.ts';
import { usageHistory } from '../services/usage-history.ts';
import { errors, json, jsonBody, TenantParam, type App } from './openapi.ts';
import { requestFacts, scopeOf } from './request-facts.ts';

const tags = ['agent services'];
const base = '/api/v1/tenants/{tenant}/agents';
const AgentParams = TenantParam.extend({ agent: z.string().min(1).max(64) });
const Logs = z.object({ lines: z.array(z.object({ stream: z.string(), ts: z.string().optional(), line: z.string() })) });

export function registerAgentServiceRoutes(app: App, deps: AgentServiceDeps) {
  app.openapi(
    createRoute({ method: 'post', path: base, tags, request: { params: TenantParam, body: jsonBody(CreateAgentServiceBody) }, responses: { 202: json(AgentService, 'accepted; status pending'), ...errors } }),
    async (c) => c.json(await createAgentService(deps, requestFacts(c), scopeOf(c), c.req.valid('json')), 202),
  );
  app.openapi(
    createRoute({ method: 'get', path: base, tags, request: { params: TenantParam, query: AgentServiceListQuery }, responses: { 200: json(AgentServicePage, 'a page of agent services'), ...errors } }),
    async (c) => c.json(await listAgentServices(deps, scopeOf(c), c.req.valid('query')), 200),
  );
  app.openapi(
    createRoute({ method: 'get', path: `${base}/{agent}`, tags, request: { params: AgentParams }, responses: { 200: json(AgentServiceDetails, 'desired spec, observed status, tasks, recent events'), ...errors } }),
    async (c) => c.json(await getAgentService(deps, scopeOf(c), c.req.valid('param').agent), 200),
  );
  app.openapi(
    createRoute({ method: 'patch', path: `${base}/{agent}`, tags, request: { params: AgentParams, body: jsonBody(UpdateAgentServiceBody) }, responses: { 202: json(AgentService, 'accepted; rolling update'), ...errors } }),
    async (c) => c.json(await updateAgentService(deps, requestFacts(c), scopeOf(c), c.req.valid('param').agent, c.req.valid('json')), 202),
  );
  app.openapi(
    createRoute({ method: 'post', path: `${base}/{agent}/scale`, tags, request: { params: AgentParams, body: jsonBody(ScaleBody) }, responses: { 202: json(AgentService, 'accepted'), ...errors } }),
    async (c) => c.json(await changeLifecycle(deps, requestFacts(c), scopeOf(c), c.req.valid('param').agent, { kind: 'scale', replicas: c.req.valid('json').replicas }), 202),
  );
  for (const kind of ['restart', 'stop', 'start'] as const) {
    app.openapi(
      createRoute({ method: 'post', path: `${base}/{agent}/${kind}`, tags, request: { params: AgentParams }, responses: { 202: json(AgentService, 'accepted'), ...errors } }),
      async (c) => c.json(await changeLifecycle(deps, requestFacts(c), scopeOf(c), c.req.valid('param').agent, { kind }), 202),
    );
  }
  app.openapi(
    createRoute({ method: 'delete', path: `${base}/{agent}`, tags, request: { params: AgentParams }, responses: { 202: json(AgentService, 'accepted; removing'), ...errors } }),
    async (c) => c.json(await changeLifecycle(deps, requestFacts(c), scopeOf(c), c.req.valid('param').agent, { kind: 'remove' }), 202),
  );
  app.openapi(
    createRoute({ method: 'get', path: `${base}/{agent}/logs`, tags, request: { params: AgentParams, query: LogsQuery }, responses: { 200: json(Logs, 'the last log lines'), ...errors } }),
    async (c) => c.json(await tailLogs(deps, requestFacts(c), scopeOf(c), c.req.valid('param').agent, c.req.valid('query').tail), 200),
  );
  app.openapi(
    createRoute({ method: 'get', path: '/api/v1/tenants/{tenant}/usage', tags: ['quota'], request: { params: TenantParam }, responses: { 200: json(Usage, 'use against quota'), ...errors } }),
    async (c) => c.json(await usage(deps, scopeOf(c)), 200),
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/tenants/{tenant}/usage/history',
      tags: ['quota'],
      request: { params: TenantParam, query: UsageHistoryQuery },
      responses: { 200: json(UsageHistory, 'use over time in buckets (replica-seconds, peaks) against the quota'), ...errors },
    }),
    async (c) => c.json(await usageHistory(deps, scopeOf(c), c.req.valid('query')), 200),
  );
}
