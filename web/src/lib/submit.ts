import { toProblem, type Problem } from './problem.ts';

/**
 * One submission of a form that talks to the API: busy while it runs, the last failure cleared
 * first and set from whatever `work` throws (as a Problem the page can show). Busy is cleared
 * however it ends, so a failed request can be retried at once.
 */
export async function submitForm(busy: { value: boolean }, failure: { value: Problem | null }, work: () => Promise<void>): Promise<void> {
  busy.value = true;
  failure.value = null;
  try {
    await work();
  } catch (err) {
    failure.value = toProblem(err);
  } finally {
    busy.value = false;
  }
}
