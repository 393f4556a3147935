import { OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import { ErrorEnvelope } from '@berth/protocol';
import type { AppEnv } from '../context.ts';
import { validationHook } from '../middleware/error-handler.ts';

export type App = OpenAPIHono<AppEnv>;

export const newApp = (): App => new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

/** A required JSON request body (a body of another type or none at all is refused). */
export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  required: true,
  content: { 'application/json': { schema } },
});

export const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

const err = (description: string) => json(ErrorEnvelope, description);

/** The error answers every authenticated route can give. */
export const errors = {
  400: err('invalid input (VALIDATION_FAILED, MALFORMED_JSON)'),
  401: err('not signed in (UNAUTHENTICATED)'),
  403: err('not allowed (FORBIDDEN, ROLE_ESCALATION)'),
  404: err('not found, or not yours (NOT_FOUND)'),
  409: err('conflicts with current state'),
} as const;

export const TenantParam = z.object({ tenant: z.string().min(1).max(64) });
export const Ok = z.object({ ok: z.literal(true) });
