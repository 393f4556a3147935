import { $, component$, useSignal, useStore, useVisibleTask$ } from '@builder.io/qwik';
import type { AuditVerifyResult } from '@berth/protocol';
import { useApp } from '../app/app-context.ts';
import { Field } from '../field/field.tsx';
import { Empty, ErrorState, Loading } from '../states/states.tsx';
import { api, type AuditPage } from '../../lib/api.ts';
import { settle, type Loadable } from '../../lib/problem.ts';

/** A chain's audit log: filters, cursor paging (newest first), the verify badge and the export link. */
export const AuditViewer = component$((props: { scope: 'tenant' | 'platform' }) => {
  const app = useApp();
  const filters = useStore({ action: '', actor: '', from: '', to: '' });
  const cursors = useStore<{ stack: (number | undefined)[] }>({ stack: [undefined] });
  const page = useSignal<Loadable<AuditPage>>({ state: 'loading' });
  const verify = useSignal<Loadable<AuditVerifyResult>>({ state: 'loading' });
  const tenantOf = () => (props.scope === 'tenant' ? app.tenant : null);

  const load = $(async () => {
    page.value = { state: 'loading' };
    const iso = (v: string) => (v ? new Date(v).toISOString() : undefined);
    page.value = await settle(api.audit(props.scope === 'tenant' ? app.tenant : null, { action: filters.action.trim(), actor: filters.actor.trim(), from: iso(filters.from), to: iso(filters.to), cursor: cursors.stack[cursors.stack.length - 1], limit: 25 }));
  });
  const check = $(async () => {
    verify.value = { state: 'loading' };
    verify.value = await settle(api.verifyAudit(props.scope === 'tenant' ? app.tenant : null));
  });

  useVisibleTask$(
    async ({ track }) => {
      if (!track(() => app.ready)) return;
      await Promise.all([load(), check()]);
    },
    { strategy: 'document-ready' },
  );

  const v = verify.value;
  return (
    <>
      <div class="row spread">
        <div class="row" role="status" aria-live="polite">
          {v.state === 'loading' && <span class="badge unknown">Verifying chain…</span>}
          {v.state === 'error' && <span class="badge bad">Chain not checked: {v.problem.message}</span>}
          {v.state === 'ready' &&
            (v.data.ok ? (
              <span class="badge ok" data-testid="chain-verified">
                Chain verified ({v.data.count} entries)
              </span>
            ) : (
              <span class="badge bad" data-testid="chain-broken">
                Chain broken at #{v.data.firstBadSeq}: {v.data.reason}
              </span>
            ))}
          <button type="button" onClick$={check}>
            Verify again
          </button>
        </div>
        {app.ready && (
          <a class="button" href={api.auditExportUrl(tenantOf())} download="audit.ndjson">
            Export (NDJSON)
          </a>
        )}
      </div>

      <form
        class="card"
        preventdefault:submit
        onSubmit$={() => {
          cursors.stack = [undefined];
          return load();
        }}
      >
        <div class="grid2">
          <Field id="f-action" label="Action" hint="For example agent-service.create">
            <input id="f-action" value={filters.action} onInput$={(_, el) => (filters.action = el.value)} />
          </Field>
          <Field id="f-actor" label="Actor (user or token id)">
            <input id="f-actor" value={filters.actor} onInput$={(_, el) => (filters.actor = el.value)} />
          </Field>
          <Field id="f-from" label="From">
            <input id="f-from" type="datetime-local" value={filters.from} onInput$={(_, el) => (filters.from = el.value)} />
          </Field>
          <Field id="f-to" label="To">
            <input id="f-to" type="datetime-local" value={filters.to} onInput$={(_, el) => (filters.to = el.value)} />
          </Field>
        </div>
        <button type="submit">Apply filters</button>
      </form>

      {page.value.state === 'loading' && <Loading label="Loading the audit log" />}
      {page.value.state === 'error' && <ErrorState problem={page.value.problem} onRetry$={load} />}
      {page.value.state === 'ready' &&
        (page.value.data.items.length === 0 ? (
          <Empty>No audit entries match.</Empty>
        ) : (
          <div class="table-wrap">
            <table data-testid="audit-table">
              <thead>
                <tr>
                  <th scope="col">#</th>
                  <th scope="col">When</th>
                  <th scope="col">Action</th>
                  <th scope="col">Result</th>
                  <th scope="col" class="hide-phone">
                    Actor
                  </th>
                  <th scope="col" class="hide-phone">
                    Target
                  </th>
                </tr>
              </thead>
              <tbody>
                {page.value.data.items.map((e) => (
                  <tr key={e.id} data-action={e.action}>
                    <td>{e.seq}</td>
                    <td>
                      <time dateTime={e.at}>{new Date(e.at).toLocaleString()}</time>
                    </td>
                    <td class="mono">{e.action}</td>
                    <td>
                      <span class={['badge', e.result === 'success' ? 'ok' : 'bad']}>{e.result}</span>
                    </td>
                    <td class="hide-phone mono">
                      {e.actorType}
                      {e.actorId ? `:${e.actorId.slice(0, 10)}` : ''}
                    </td>
                    <td class="hide-phone mono">{e.targetId ? `${e.targetType ?? ''} ${e.targetId.slice(0, 12)}` : ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ))}
      <nav class="row" aria-label="Audit pages">
        <button
          type="button"
          disabled={cursors.stack.length <= 1}
          onClick$={() => {
            cursors.stack = cursors.stack.slice(0, -1);
            return load();
          }}
        >
          Newer
        </button>
        <span class="muted">Page {cursors.stack.length}</span>
        <button
          type="button"
          disabled={page.value.state !== 'ready' || page.value.data.nextCursor === null}
          onClick$={() => {
            if (page.value.state !== 'ready' || page.value.data.nextCursor === null) return;
            cursors.stack = [...cursors.stack, page.value.data.nextCursor];
            return load();
          }}
        >
          Older
        </button>
      </nav>
    </>
  );
});
