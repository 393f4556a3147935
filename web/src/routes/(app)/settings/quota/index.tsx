import { $, component$, useSignal, useStore, useVisibleTask$ } from '@builder.io/qwik';
import type { DocumentHead } from '@builder.io/qwik-city';
import type { Usage } from '@berth/protocol';
import { useApp } from '../../../../components/app/app-context.ts';
import { ErrorState, Loading } from '../../../../components/states/states.tsx';
import { UsageChart } from '../../../../components/usage-chart/usage-chart.tsx';
import { api } from '../../../../lib/api.ts';
import { settle, type Loadable } from '../../../../lib/problem.ts';

const ROWS = [
  ['Agent services', 'agentServices', 'maxAgentServices', ''],
  ['Replicas', 'totalReplicas', 'maxTotalReplicas', ''],
  ['CPU', 'cpuCores', 'maxCpuCores', ' cores'],
  ['Memory', 'memoryMb', 'maxMemoryMb', ' MiB'],
] as const;

/** Current use against the quota, and use over time (sampled while the page is open). */
export default component$(() => {
  const app = useApp();
  const usage = useSignal<Loadable<Usage>>({ state: 'loading' });
  const samples = useStore<{ list: { at: string; replicas: number; cpu: number }[] }>({ list: [] });
  const load = $(async () => {
    const res = await settle(api.usage(app.tenant));
    usage.value = res;
    if (res.state === 'ready') samples.list = [...samples.list, { at: res.data.at, replicas: res.data.used.totalReplicas, cpu: res.data.used.cpuCores }].slice(-60);
  });
  useVisibleTask$(
    async ({ track, cleanup }) => {
      if (!track(() => app.ready)) return;
      await load();
      const timer = setInterval(() => void load(), 10_000);
      cleanup(() => clearInterval(timer));
    },
    { strategy: 'document-ready' },
  );
  const u = usage.value;
  return (
    <>
      <h1>Quota &amp; usage</h1>
      {u.state === 'loading' && <Loading label="Loading usage" />}
      {u.state === 'error' && <ErrorState problem={u.problem} onRetry$={load} />}
      {u.state === 'ready' && (
        <>
          <section class="card">
            {ROWS.map(([label, used, max, unit]) => {
              const value = u.data.used[used];
              const limit = u.data.quota[max];
              const pct = limit > 0 ? Math.min(100, (value / limit) * 100) : 100;
              return (
                <div key={label} class="field">
                  <span id={`q-${used}`}>
                    {label}: {Math.round(value * 100) / 100} of {limit}
                    {unit}
                  </span>
                  <div class={['meter', value > limit ? 'over' : '']} role="meter" aria-labelledby={`q-${used}`} aria-valuemin={0} aria-valuemax={limit} aria-valuenow={value}>
                    <span style={`width:${pct}%`} />
                  </div>
                </div>
              );
            })}
            <p class="muted">{Math.round(u.data.replicaSeconds / 3600)} replica-hours used so far.</p>
          </section>
          <section class="card">
            <h2>Replicas over time</h2>
            <UsageChart samples={samples.list.map((s) => s.replicas)} limit={u.data.quota.maxTotalReplicas} label="Replicas in use against the replica quota" />
          </section>
        </>
      )}
    </>
  );
});

export const head: DocumentHead = { title: 'Quota & usage' };
