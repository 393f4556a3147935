import { describe, expect, it } from 'vitest';
import { canNext, canPrevious, clampPage, pageAfterChange, pageLabel } from './pagination.ts';

describe('pagination', () => {
  it('labels page x of y, with one page for an empty list', () => {
    expect(pageLabel({ page: 2, totalPages: 5 })).toBe('Page 2 of 5');
    expect(pageLabel({ page: 1, totalPages: 0 })).toBe('Page 1 of 1');
  });

  it('caps a page past the end at the last page and reads nonsense as page 1', () => {
    expect(clampPage(9, 3)).toBe(3);
    expect(clampPage(0, 3)).toBe(1);
    expect(clampPage(Number.NaN, 3)).toBe(1);
    expect(clampPage(-4, 0)).toBe(1);
    expect(clampPage(2.7, 3)).toBe(2);
  });

  it('offers previous and next only where they lead somewhere', () => {
    expect(canPrevious({ page: 1 })).toBe(false);
    expect(canNext({ page: 1, totalPages: 1 })).toBe(false);
    expect(canNext({ page: 2, totalPages: 3 })).toBe(true);
    expect(canNext({ page: 3, totalPages: 3 })).toBe(false);
    expect(canPrevious({ page: 3 })).toBe(true);
  });

  it('stays on the last valid page when the list shrinks under it', () => {
    expect(pageAfterChange(3, { total: 41, limit: 20 })).toBe(3);
    expect(pageAfterChange(3, { total: 40, limit: 20 })).toBe(2);
    expect(pageAfterChange(2, { total: 0, limit: 20 })).toBe(1);
  });
});
