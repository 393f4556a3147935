import { z } from 'zod';

/** Tenant roles, strongest first. */
export const Role = z.enum(['owner', 'admin', 'operator', 'viewer']);
export type Role = z.infer<typeof Role>;

/** Rank of each role: a caller may only grant roles at or below its own rank. */
export const ROLE_RANK: Readonly<Record<Role, number>> = { owner: 4, admin: 3, operator: 2, viewer: 1 };

/** URL-safe tenant handle: 3–40 chars, lower-case letters, digits and inner dashes. */
/** The shape of a tenant id (a UUID). `:tenant` takes an id or a slug, so no slug may have it. */
export const TENANT_ID_SHAPE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A tenant's URL name: 3–40 lower-case letters, digits or dashes, and never shaped like a tenant id. */
export const Slug = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{1,38}[a-z0-9]$/, 'use 3–40 lower-case letters, digits or dashes, not starting or ending with a dash')
  .refine((s) => !TENANT_ID_SHAPE.test(s), 'a slug cannot have the shape of a tenant id');

const Name = z.string().trim().min(1).max(80);
const Email = z.string().trim().toLowerCase().pipe(z.email().max(254));
const IsoDate = z.string();

/** An `#rrggbb` colour. */
export const AccentColor = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'use a #rrggbb colour');
/** An https logo URL (no credentials, at most 2 KiB). */
export const LogoUrl = z
  .url({ protocol: /^https$/ })
  .max(2048)
  .refine((u) => !/^https:\/\/[^/]*@/.test(u), 'a logo URL may not carry credentials');

/** Pagination metadata; `page` is clamped to the last valid page. */
export const PageMeta = z.object({
  page: z.number().int(),
  limit: z.number().int(),
  total: z.number().int(),
  totalPages: z.number().int(),
});
export type PageMeta = z.infer<typeof PageMeta>;

/** Query for page-numbered lists. */
export const PageQuery = z.strictObject({
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

// ---------- setup ----------

/** First-boot body: creates the first platform admin with the one-time token. */
export const SetupBody = z.strictObject({
  token: z.string().min(16).max(256),
  email: Email,
  password: z.string().min(8).max(128),
  name: Name,
});
export type SetupBody = z.infer<typeof SetupBody>;

export const SetupStatus = z.object({ needsSetup: z.boolean() });

// ---------- tenants ----------

export const TenantStatus = z.enum(['active', 'deleting']);

export const Branding = z.object({
  displayName: z.string().nullable(),
  logoUrl: z.string().nullable(),
  accentColor: z.string().nullable(),
});

export const Tenant = z.object({
  id: z.string(),
  slug: z.string(),
  name: z.string(),
  status: TenantStatus,
  branding: Branding,
  createdAt: IsoDate,
  /** The caller's role in this tenant. */
  role: Role,
});
export type Tenant = z.infer<typeof Tenant>;

export const CreateTenantBody = z.strictObject({ name: Name, slug: Slug });
export type CreateTenantBody = z.infer<typeof CreateTenantBody>;

export const UpdateTenantBody = z
  .strictObject({
    name: Name.optional(),
    slug: Slug.optional(),
    displayName: Name.nullable().optional(),
    logoUrl: LogoUrl.nullable().optional(),
    accentColor: AccentColor.nullable().optional(),
  })
  .refine((b) => Object.keys(b).length > 0, 'give at least one field to change');
export type UpdateTenantBody = z.infer<typeof UpdateTenantBody>;

// ---------- members ----------

export const Member = z.object({
  userId: z.string(),
  email: z.string(),
  name: z.string(),
  role: Role,
  joinedAt: IsoDate,
});
export type Member = z.infer<typeof Member>;

export const UpdateMemberBody = z.strictObject({ role: Role });

// ---------- invitations ----------

export const InvitationStatus = z.enum(['pending', 'accepted', 'revoked', 'expired']);
export const Invitation = z.object({
  id: z.string(),
  tenantId: z.string(),
  email: z.string(),
  role: Role,
  status: InvitationStatus,
  expiresAt: IsoDate,
  createdAt: IsoDate,
  invitedBy: z.string(),
});
export type Invitation = z.infer<typeof Invitation>;

export const CreateInvitationBody = z.strictObject({
  email: Email,
  role: Role,
  /** Hours until the invitation lapses; default 7 days, at most 30 days. */
  expiresInHours: z.number().int().min(1).max(720).default(168),
});

// ---------- join requests ----------

export const JoinRequestStatus = z.enum(['pending', 'approved', 'rejected']);
export const JoinRequest = z.object({
  id: z.string(),
  tenantId: z.string(),
  userId: z.string(),
  email: z.string(),
  message: z.string().nullable(),
  status: JoinRequestStatus,
  createdAt: IsoDate,
  decidedAt: IsoDate.nullable(),
  decidedBy: z.string().nullable(),
});
export type JoinRequest = z.infer<typeof JoinRequest>;

export const CreateJoinRequestBody = z.strictObject({ message: z.string().trim().max(500).optional() });
export const ApproveJoinRequestBody = z.strictObject({ role: Role.default('viewer') });

// ---------- API tokens ----------

export const ApiToken = z.object({
  id: z.string(),
  name: z.string(),
  role: Role,
  prefix: z.string(),
  expiresAt: IsoDate,
  createdAt: IsoDate,
  lastUsedAt: IsoDate.nullable(),
  createdBy: z.string(),
});
export type ApiToken = z.infer<typeof ApiToken>;

export const CreateApiTokenBody = z.strictObject({
  name: Name,
  role: Role,
  expiresInDays: z.number().int().min(1).max(365).default(90),
});
/** Returned once on creation: `token` is never shown again. */
export const CreatedApiToken = ApiToken.extend({ token: z.string() });

// ---------- quotas ----------

export const Quota = z.strictObject({
  maxAgentServices: z.number().int().min(0).max(10_000),
  maxTotalReplicas: z.number().int().min(0).max(100_000),
  maxCpuCores: z.number().min(0).max(10_000),
  maxMemoryMb: z.number().int().min(0).max(100_000_000),
});
export type Quota = z.infer<typeof Quota>;

// ---------- audit ----------

export const AuditActorType = z.enum(['user', 'token', 'anonymous', 'system']);
export const AuditResult = z.enum(['success', 'denied', 'failure']);

export const AuditEntry = z.object({
  id: z.string(),
  chain: z.string(),
  seq: z.number().int(),
  tenantId: z.string().nullable(),
  at: IsoDate,
  actorType: AuditActorType,
  actorId: z.string().nullable(),
  action: z.string(),
  targetType: z.string().nullable(),
  targetId: z.string().nullable(),
  result: AuditResult,
  requestId: z.string(),
  ip: z.string().nullable(),
  details: z.record(z.string(), z.unknown()).nullable(),
  prevHash: z.string(),
  hash: z.string(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

export const AuditQuery = z.strictObject({
  action: z.string().max(100).optional(),
  actor: z.string().max(100).optional(),
  from: z.iso.datetime().optional(),
  to: z.iso.datetime().optional(),
  cursor: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const AuditVerifyResult = z.union([
  z.object({ ok: z.literal(true), count: z.number().int(), head: z.string() }),
  z.object({ ok: z.literal(false), count: z.number().int(), firstBadSeq: z.number().int(), reason: z.string() }),
]);
export type AuditVerifyResult = z.infer<typeof AuditVerifyResult>;

// ---------- platform admin ----------

export const PlatformRole = z.enum(['admin', 'user']);
export const AdminUser = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  platformRole: PlatformRole,
  active: z.boolean(),
  twoFactorEnabled: z.boolean(),
  createdAt: IsoDate,
});
export type AdminUser = z.infer<typeof AdminUser>;

export const Me = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  platformRole: PlatformRole,
  twoFactorEnabled: z.boolean(),
  /** Whether the email address is confirmed; invitations and join requests wait for it. */
  emailVerified: z.boolean(),
});
