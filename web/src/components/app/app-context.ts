import { createContextId, useContext } from '@builder.io/qwik';
import type { Me, Tenant } from '@berth/protocol';
import type { z } from 'zod';
import type { Problem } from '../../lib/problem.ts';

/** The signed-in session as the shell loaded it; pages wait for `ready`. */
export interface AppState {
  ready: boolean;
  me: z.infer<typeof Me> | null;
  tenants: Tenant[];
  /** The tenant in the URL (`?t=`), whether or not the user belongs to it. */
  tenant: string;
  problem: Problem | null;
}

export const AppCtx = createContextId<AppState>('berth.app');

export const useApp = () => useContext(AppCtx);

/** The current tenant when the user is a member of it. */
export const currentTenant = (app: AppState): Tenant | undefined => app.tenants.find((t) => t.slug === app.tenant);
