import { $, component$, useSignal, useVisibleTask$ } from '@builder.io/qwik';
import type { DocumentHead } from '@builder.io/qwik-city';
import { useApp } from '../../../../components/app/app-context.ts';
import { Empty, ErrorState, Loading } from '../../../../components/states/states.tsx';
import { api, type UserPage } from '../../../../lib/api.ts';
import { canNext, canPrevious, pageAfterChange, pageLabel } from '../../../../lib/pagination.ts';
import { settle, toProblem, type Loadable, type Problem } from '../../../../lib/problem.ts';

const LIMIT = 10;

/** Platform users, page by page; deactivate or reactivate anyone but yourself. */
export default component$(() => {
  const app = useApp();
  const page = useSignal(1);
  const users = useSignal<Loadable<UserPage>>({ state: 'loading' });
  const failure = useSignal<Problem | null>(null);
  const load = $(async (n: number) => {
    users.value = { state: 'loading' };
    const res = await settle(api.users(n, LIMIT));
    // The server answers the last page for a page past the end; adopt what it answered.
    if (res.state === 'ready') page.value = res.data.page;
    users.value = res;
  });
  const act = $(async (fn: () => Promise<unknown>) => {
    failure.value = null;
    try {
      await fn();
    } catch (err) {
      failure.value = toProblem(err);
    }
    const meta = users.value.state === 'ready' ? users.value.data : { total: 0, limit: LIMIT };
    await load(pageAfterChange(page.value, meta));
  });
  useVisibleTask$(
    async ({ track }) => {
      if (!track(() => app.ready)) return;
      await load(1);
    },
    { strategy: 'document-ready' },
  );
  const u = users.value;
  return (
    <>
      <h1>Users</h1>
      {failure.value && <ErrorState problem={failure.value} />}
      {u.state === 'loading' && <Loading label="Loading users" />}
      {u.state === 'error' && <ErrorState problem={u.problem} onRetry$={() => load(page.value)} />}
      {u.state === 'ready' &&
        (u.data.items.length === 0 ? (
          <Empty>No users.</Empty>
        ) : (
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">User</th>
                  <th scope="col">Role</th>
                  <th scope="col">State</th>
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              <tbody>
                {u.data.items.map((x) => {
                  const self = x.id === app.me?.id;
                  return (
                    <tr key={x.id} data-user={x.email}>
                      <td>
                        {x.name} <span class="muted">{x.email}</span>
                      </td>
                      <td>{x.platformRole}</td>
                      <td>
                        <span class={['badge', x.active ? 'ok' : 'bad']}>{x.active ? 'active' : 'deactivated'}</span>
                      </td>
                      <td>
                        {self ? (
                          <span class="muted">you cannot deactivate yourself</span>
                        ) : x.active ? (
                          <button type="button" class="danger" onClick$={() => act(() => api.deactivate(x.id))}>
                            Deactivate {x.email}
                          </button>
                        ) : (
                          <button type="button" onClick$={() => act(() => api.reactivate(x.id))}>
                            Reactivate {x.email}
                          </button>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        ))}
      {u.state === 'ready' && (
        <nav class="row" aria-label="User pages">
          <button type="button" disabled={!canPrevious(u.data)} onClick$={() => load(page.value - 1)}>
            Previous
          </button>
          <span data-testid="page-label">{pageLabel(u.data)}</span>
          <button type="button" disabled={!canNext(u.data)} onClick$={() => load(page.value + 1)}>
            Next
          </button>
        </nav>
      )}
    </>
  );
});

export const head: DocumentHead = { title: 'Users' };
