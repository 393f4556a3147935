import { $, component$, useSignal, useVisibleTask$ } from '@builder.io/qwik';
import type { DocumentHead } from '@builder.io/qwik-city';
import type { AgentService } from '@berth/protocol';
import { useApp } from '../../../components/app/app-context.ts';
import { LiveIndicator } from '../../../components/live-indicator/live-indicator.tsx';
import { Empty, ErrorState, Loading } from '../../../components/states/states.tsx';
import { StatusBadge } from '../../../components/status-badge/status-badge.tsx';
import { api } from '../../../lib/api.ts';
import { followStatus, type StreamState } from '../../../lib/events.ts';
import { settle, type Loadable } from '../../../lib/problem.ts';
import { href } from '../../../lib/session.ts';

/** The tenant's agent services; badges follow the status stream without a reload. */
export default component$(() => {
  const app = useApp();
  const list = useSignal<Loadable<AgentService[]>>({ state: 'loading' });
  const stream = useSignal<StreamState>('connecting');

  const load = $(async () => {
    list.value = { state: 'loading' };
    list.value = await settle(api.agents(app.tenant).then((p) => p.items.filter((a) => a.status !== 'removed')));
  });

  useVisibleTask$(
    async ({ track, cleanup }) => {
      if (!track(() => app.ready)) return;
      await load();
      if (list.value.state !== 'ready') return;
      const close = followStatus(
        api.eventsUrl(app.tenant),
        (e) => {
          if (list.value.state !== 'ready') return;
          const known = list.value.data.some((a) => a.id === e.agentServiceId);
          if (!known) return void load();
          const items = list.value.data.map((a) => (a.id === e.agentServiceId ? { ...a, status: e.status, statusReason: e.reason } : a)).filter((a) => a.status !== 'removed');
          list.value = { state: 'ready', data: items };
        },
        (s) => (stream.value = s),
      );
      cleanup(close);
    },
    { strategy: 'document-ready' },
  );

  return (
    <>
      <div class="row spread">
        <h1>Agent services</h1>
        <div class="row">
          <LiveIndicator state={stream.value} />
          {app.ready && (
            <a class="button primary" href={href('/agents/new/', app.tenant)}>
              New agent service
            </a>
          )}
        </div>
      </div>
      {list.value.state === 'loading' && <Loading label="Loading agent services" />}
      {list.value.state === 'error' && <ErrorState problem={list.value.problem} onRetry$={load} />}
      {list.value.state === 'ready' &&
        (list.value.data.length === 0 ? (
          <Empty>
            No agent services yet. <a href={href('/agents/new/', app.tenant)}>Create the first one</a>.
          </Empty>
        ) : (
          <div class="table-wrap">
            <table>
              <caption class="skip">Agent services of {app.tenant}</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Status</th>
                  <th scope="col">Replicas</th>
                  <th scope="col" class="hide-phone">
                    Image
                  </th>
                  <th scope="col" class="hide-phone">
                    Reason
                  </th>
                </tr>
              </thead>
              <tbody>
                {list.value.data.map((a) => (
                  <tr key={a.id} data-agent={a.name}>
                    <td>
                      <a href={href('/agents/detail/', app.tenant, { a: a.id })}>{a.name}</a>
                    </td>
                    <td>
                      <StatusBadge status={a.status} />
                    </td>
                    <td>{a.replicas}</td>
                    <td class="hide-phone mono">{a.spec.image}</td>
                    <td class="hide-phone muted">{a.statusReason ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ))}
    </>
  );
});

export const head: DocumentHead = { title: 'Agent services' };
