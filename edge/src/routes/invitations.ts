import { createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import { CreateInvitationBody, Invitation } from '@berth/protocol';
import type { ServiceDeps } from '../services/service-deps.ts';
import { acceptInvitation, createInvitation, listInvitations, listMyInvitations, revokeInvitation } from '../services/invitations.ts';
import { errors, json, jsonBody, TenantParam, type App } from './openapi.ts';
import { requestFacts, scopeOf } from './request-facts.ts';

const tags = ['invitations'];
const InvitationParams = TenantParam.extend({ invitationId: z.string().min(1).max(64) });
const MyInvitation = Invitation.extend({ tenantName: z.string(), tenantSlug: z.string() });

export function registerInvitationRoutes(app: App, deps: ServiceDeps) {
  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/tenants/{tenant}/invitations',
      tags,
      request: { params: TenantParam, body: jsonBody(CreateInvitationBody) },
      responses: { 201: json(Invitation, 'invited'), ...errors },
    }),
    async (c) => c.json(await createInvitation(deps, requestFacts(c), scopeOf(c), c.req.valid('json')), 201),
  );
  app.openapi(
    createRoute({ method: 'get', path: '/api/v1/tenants/{tenant}/invitations', tags, request: { params: TenantParam }, responses: { 200: json(z.object({ items: z.array(Invitation) }), 'invitations'), ...errors } }),
    async (c) => c.json({ items: await listInvitations(deps, scopeOf(c)) }, 200),
  );
  app.openapi(
    createRoute({ method: 'delete', path: '/api/v1/tenants/{tenant}/invitations/{invitationId}', tags, request: { params: InvitationParams }, responses: { 200: json(Invitation, 'revoked'), ...errors } }),
    async (c) => c.json(await revokeInvitation(deps, requestFacts(c), scopeOf(c), c.req.valid('param').invitationId), 200),
  );
  app.openapi(
    createRoute({ method: 'get', path: '/api/v1/invitations', tags, responses: { 200: json(z.object({ items: z.array(MyInvitation) }), 'pending invitations for your email'), ...errors } }),
    async (c) => c.json({ items: await listMyInvitations(deps, requestFacts(c)) }, 200),
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/invitations/{invitationId}/accept',
      tags,
      request: { params: z.object({ invitationId: z.string().min(1).max(64) }) },
      responses: { 200: json(Invitation, 'accepted; you are now a member'), ...errors },
    }),
    async (c) => c.json(await acceptInvitation(deps, requestFacts(c), c.req.valid('param').invitationId), 200),
  );
}
