import type { PageMeta } from '@berth/protocol';

/**
 * Page-numbered lists. Pages count from 1; an empty list still has one page. The server clamps a
 * page past the end to the last one, and the view adopts the page the server answered.
 */
export function lastPage(meta: Pick<PageMeta, 'totalPages'>): number {
  return Math.max(1, meta.totalPages);
}

/** A requested page made valid for `totalPages` (NaN, 0 and negatives read as 1). */
export function clampPage(requested: number, totalPages: number): number {
  if (!Number.isFinite(requested) || requested < 1) return 1;
  return Math.min(Math.floor(requested), Math.max(1, totalPages));
}

export function pageLabel(meta: Pick<PageMeta, 'page' | 'totalPages'>): string {
  return `Page ${clampPage(meta.page, meta.totalPages)} of ${lastPage(meta)}`;
}

export const canPrevious = (meta: Pick<PageMeta, 'page'>) => meta.page > 1;
export const canNext = (meta: Pick<PageMeta, 'page' | 'totalPages'>) => meta.page < lastPage(meta);

/** Page to ask for after a change that may have shrunk the list (e.g. deactivating users). */
export function pageAfterChange(current: number, meta: Pick<PageMeta, 'total' | 'limit'>): number {
  return clampPage(current, Math.ceil(meta.total / Math.max(1, meta.limit)));
}
