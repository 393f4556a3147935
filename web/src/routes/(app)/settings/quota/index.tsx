import { $, component$, useSignal, useVisibleTask$ } from '@builder.io/qwik';
import type { DocumentHead } from '@builder.io/qwik-city';
import type { Usage, UsageHistory } from '@berth/protocol';
import { useApp } from '../../../../components/app/app-context.ts';
import { ErrorState, Loading } from '../../../../components/states/states.tsx';
import { UsageChart } from '../../../../components/usage-chart/usage-chart.tsx';
import { api } from '../../../../lib/api.ts';
import { settle, type Loadable } from '../../../../lib/problem.ts';
import { rangeQuery, usageChartModel, USAGE_RANGES, type UsageRange } from '../../../../lib/usage-chart.ts';

const ROWS = [
  ['Agent services', 'agentServices', 'maxAgentServices', ''],
  ['Replicas', 'totalReplicas', 'maxTotalReplicas', ''],
  ['CPU', 'cpuCores', 'maxCpuCores', ' cores'],
  ['Memory', 'memoryMb', 'maxMemoryMb', ' MiB'],
] as const;

const CHARTS = [
  ['usage-replicas', 'Replicas', 'Replicas over time against the replica quota', 'replicas'],
  ['usage-cpu', 'CPU', 'Reserved CPU over time against the CPU quota', 'cpu'],
  ['usage-memory', 'Memory', 'Reserved memory over time against the memory quota', 'memory'],
] as const;

const isRange = (v: string): v is UsageRange => v in USAGE_RANGES;

/** Current use against the quota, and use over time from the tenant's recorded usage history. */
export default component$(() => {
  const app = useApp();
  const usage = useSignal<Loadable<Usage>>({ state: 'loading' });
  const history = useSignal<Loadable<UsageHistory>>({ state: 'loading' });
  const range = useSignal<UsageRange>('day');
  const load = $(async () => {
    const [now, over] = await Promise.all([settle(api.usage(app.tenant)), settle(api.usageHistory(app.tenant, rangeQuery(range.value, new Date())))]);
    usage.value = now;
    history.value = over;
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
  const hist = history.value;
  return (
    <>
      <h1>Quota &amp; usage</h1>
      {u.state === 'loading' && <Loading label="Loading usage" />}
      {u.state === 'error' && <ErrorState problem={u.problem} onRetry$={load} />}
      {u.state === 'ready' && (
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
      )}
      <section class="card" aria-labelledby="usage-over-time">
        <h2 id="usage-over-time">Usage over time</h2>
        <label for="usage-range">Period</label>{' '}
        <select
          id="usage-range"
          onChange$={async (_, el) => {
            if (!isRange(el.value)) return;
            range.value = el.value;
            history.value = { state: 'loading' };
            await load();
          }}
        >
          {Object.entries(USAGE_RANGES).map(([key, r]) => (
            <option key={key} value={key} selected={key === range.value}>
              {r.label}
            </option>
          ))}
        </select>
        {hist.state === 'loading' && <Loading label="Loading usage history" />}
        {hist.state === 'error' && <ErrorState problem={hist.problem} onRetry$={load} />}
        {hist.state === 'ready' &&
          CHARTS.map(([id, heading, title, metric]) => (
            <div key={id}>
              <h3>{heading}</h3>
              <UsageChart id={id} title={title} model={usageChartModel(hist.data, metric)} />
            </div>
          ))}
      </section>
    </>
  );
});

export const head: DocumentHead = { title: 'Quota & usage' };
