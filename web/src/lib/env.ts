import './zod-csp.ts';
import { z } from 'zod';

/**
 * The UI's one configuration reader. Values are baked in at build time (Vite exposes only
 * `PUBLIC_*` keys to browser code); the defaults fit the edge serving the UI on its own origin.
 */
const WebEnv = z.object({
  /** Origin of the Berth API; empty means the page's own origin (the default deployment). */
  PUBLIC_BERTH_API_BASE: z
    .string()
    .default('')
    .refine((v) => v === '' || /^https?:\/\/[^/]+$/.test(v), 'use an origin such as https://berth.example.com, or leave empty'),
  /** How many log lines the details page tails. */
  PUBLIC_BERTH_LOG_TAIL: z.coerce.number().int().min(1).max(5000).default(200),
});
export type WebEnv = z.infer<typeof WebEnv>;

/** Parses a raw environment; throws with every problem named when it is invalid. */
export function readEnv(raw: Record<string, unknown>): WebEnv {
  const parsed = WebEnv.safeParse(raw);
  if (!parsed.success) throw new Error(`invalid web configuration: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

export const env: WebEnv = readEnv({ ...import.meta.env });
