import { describe, expect, it } from 'vitest';
import { ApiError, type Problem } from './problem.ts';
import { submitForm } from './submit.ts';

describe('submitForm', () => {
  it('is busy only while the work runs and clears an earlier failure', async () => {
    const busy = { value: false };
    const failure: { value: Problem | null } = { value: { status: 500, code: 'INTERNAL', message: 'old', requestId: null, fields: [] } };
    let seenBusy = false;
    await submitForm(busy, failure, async () => {
      seenBusy = busy.value;
    });
    expect(seenBusy).toBe(true);
    expect(busy.value).toBe(false);
    expect(failure.value).toBeNull();
  });

  it('turns a refusal into the problem shown and leaves the form ready for a retry', async () => {
    const busy = { value: false };
    const failure: { value: Problem | null } = { value: null };
    await submitForm(busy, failure, async () => {
      throw new ApiError({ status: 403, code: 'REGISTRATION_CLOSED', message: 'registration is closed', requestId: 'req-1', fields: [] });
    });
    expect(busy.value).toBe(false);
    expect(failure.value).toMatchObject({ status: 403, code: 'REGISTRATION_CLOSED', message: 'registration is closed' });
  });
});
