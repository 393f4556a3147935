import { $, component$, useSignal, useStore, useVisibleTask$ } from '@builder.io/qwik';
import type { DocumentHead } from '@builder.io/qwik-city';
import { useApp } from '../../../../components/app/app-context.ts';
import { ConfirmButton } from '../../../../components/confirm-button/confirm-button.tsx';
import { Field } from '../../../../components/field/field.tsx';
import { LiveIndicator } from '../../../../components/live-indicator/live-indicator.tsx';
import { Empty, ErrorState, Loading } from '../../../../components/states/states.tsx';
import { StatusBadge } from '../../../../components/status-badge/status-badge.tsx';
import { api, type AgentDetails, type LogLine } from '../../../../lib/api.ts';
import { followStatus, type StreamState } from '../../../../lib/events.ts';
import { opLabel, runOptimistic, type AgentOp, type OpState } from '../../../../lib/optimistic.ts';
import { settle, type Loadable, type Problem } from '../../../../lib/problem.ts';
import { href, query } from '../../../../lib/session.ts';

/** One agent service: live status, tasks, recent events, logs tail and optimistic actions. */
export default component$(() => {
  const app = useApp();
  const id = useSignal('');
  const state = useSignal<'loading' | 'ready' | 'error'>('loading');
  const problem = useSignal<Problem | null>(null);
  const agent = useStore<{ value: AgentDetails | null }>({ value: null });
  const ops = useStore<OpState>({ pending: null, failed: null });
  const logs = useSignal<Loadable<LogLine[]>>({ state: 'loading' });
  const stream = useSignal<StreamState>('connecting');
  const replicas = useSignal('1');

  const load = $(async () => {
    const res = await settle(api.agent(app.tenant, id.value));
    if (res.state === 'ready') {
      agent.value = res.data;
      replicas.value = String(res.data.replicas);
      state.value = 'ready';
    } else if (res.state === 'error') {
      problem.value = res.problem;
      state.value = 'error';
    }
  });
  const loadLogs = $(async () => {
    logs.value = { state: 'loading' };
    logs.value = await settle(api.logs(app.tenant, id.value).then((r) => r.lines));
  });
  const run = $(async (op: AgentOp) => {
    const a = agent.value;
    if (!a || ops.pending) return;
    const call = () => {
      switch (op.kind) {
        case 'scale':
          return api.scale(app.tenant, a.id, op.replicas);
        case 'remove':
          return api.removeAgent(app.tenant, a.id);
        default:
          return api.act(app.tenant, a.id, op.kind);
      }
    };
    const ok = await runOptimistic(a, ops, op, call);
    if (!ok) replicas.value = String(a.replicas);
  });

  useVisibleTask$(
    async ({ track, cleanup }) => {
      if (!track(() => app.ready)) return;
      id.value = query('a');
      await load();
      if (state.value !== 'ready') return;
      void loadLogs();
      let refresh: ReturnType<typeof setTimeout> | undefined;
      const close = followStatus(
        api.eventsUrl(app.tenant),
        (e) => {
          const a = agent.value;
          if (!a || e.agentServiceId !== a.id) return;
          a.status = e.status;
          a.statusReason = e.reason;
          a.recentEvents = [{ status: e.status, reason: e.reason, at: e.at }, ...a.recentEvents].slice(0, 20);
          // Tasks come with the details; fetch them once the burst of events settles.
          clearTimeout(refresh);
          refresh = setTimeout(() => void load(), 1000);
        },
        (s) => (stream.value = s),
      );
      cleanup(() => {
        clearTimeout(refresh);
        close();
      });
    },
    { strategy: 'document-ready' },
  );

  const a = agent.value;
  return (
    <>
      <p>
        <a href={app.ready ? href('/agents/', app.tenant) : '/'}>← Agent services</a>
      </p>
      {state.value === 'loading' && <Loading label="Loading the agent service" />}
      {state.value === 'error' && problem.value && <ErrorState problem={problem.value} onRetry$={load} />}
      {state.value === 'ready' && a && (
        <>
          <div class="row spread">
            <h1>{a.name}</h1>
            <div class="row">
              <LiveIndicator state={stream.value} />
              <span data-testid="agent-status">
                <StatusBadge status={a.status} pending={ops.pending !== null} />
              </span>
            </div>
          </div>
          {a.statusReason && (
            <p class="muted" data-testid="status-reason">
              {a.statusReason}
            </p>
          )}

          {ops.failed && (
            <div class="state error" role="alert" data-testid="op-failed">
              Could not {opLabel(ops.failed.op)}: {ops.failed.problem.message}. The previous state is shown again.{' '}
              <button type="button" onClick$={() => ops.failed && run(ops.failed.op)}>
                Retry
              </button>
            </div>
          )}

          <section class="card" aria-labelledby="actions">
            <h2 id="actions">Actions</h2>
            <div class="row">
              <form
                class="row"
                preventdefault:submit
                onSubmit$={() => {
                  const n = Number(replicas.value);
                  if (Number.isInteger(n) && n >= 0 && n <= 100) return run({ kind: 'scale', replicas: n });
                }}
              >
                <Field id="scale-replicas" label="Replicas">
                  <input id="scale-replicas" type="number" min={0} max={100} step={1} value={replicas.value} onInput$={(_, el) => (replicas.value = el.value)} />
                </Field>
                <button type="submit" disabled={ops.pending !== null}>
                  Scale
                </button>
              </form>
              <button type="button" disabled={ops.pending !== null} onClick$={() => run({ kind: 'restart' })}>
                Restart
              </button>
              {a.status === 'stopped' ? (
                <button type="button" disabled={ops.pending !== null} onClick$={() => run({ kind: 'start' })}>
                  Start
                </button>
              ) : (
                <button type="button" disabled={ops.pending !== null} onClick$={() => run({ kind: 'stop' })}>
                  Stop
                </button>
              )}
              <ConfirmButton label="Remove" question={`Remove ${a.name}? Its containers and secrets are deleted.`} confirmLabel={`Remove ${a.name}`} disabled={ops.pending !== null || a.status === 'removing'} onConfirm$={() => run({ kind: 'remove' })} />
            </div>
          </section>

          <section class="card" aria-labelledby="spec">
            <h2 id="spec">Specification</h2>
            <dl class="grid2">
              <dt>Image</dt>
              <dd class="mono">{a.spec.image}</dd>
              <dt>Replicas</dt>
              <dd data-testid="replicas">{a.replicas}</dd>
              <dt>Limits per replica</dt>
              <dd>
                {a.spec.limits.cpu} CPU, {a.spec.limits.memoryMb} MiB
              </dd>
              <dt>Environment</dt>
              <dd class="mono">{Object.keys(a.spec.env).join(', ') || 'none'}</dd>
              <dt>Secrets</dt>
              <dd class="mono">{a.spec.secrets.join(', ') || 'none'}</dd>
            </dl>
          </section>

          <section class="card" aria-labelledby="tasks">
            <h2 id="tasks">Tasks</h2>
            {a.tasks.length === 0 ? (
              <Empty>No tasks reported yet.</Empty>
            ) : (
              <div class="table-wrap">
                <table>
                  <thead>
                    <tr>
                      <th scope="col">Task</th>
                      <th scope="col">State</th>
                      <th scope="col">Desired</th>
                      <th scope="col">Message</th>
                    </tr>
                  </thead>
                  <tbody>
                    {a.tasks.map((t) => (
                      <tr key={t.id}>
                        <td class="mono">{t.id.slice(0, 12)}</td>
                        <td>
                          {t.state}
                          {t.health ? ` (${t.health})` : ''}
                        </td>
                        <td>{t.desiredState}</td>
                        <td class="muted">{t.error ?? t.message ?? ''}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>

          <section class="card" aria-labelledby="events">
            <h2 id="events">Recent events</h2>
            {a.recentEvents.length === 0 ? (
              <Empty>No events yet.</Empty>
            ) : (
              <ol data-testid="recent-events">
                {a.recentEvents.map((e, i) => (
                  <li key={`${e.at}-${i}`}>
                    <StatusBadge status={e.status} /> <time dateTime={e.at}>{new Date(e.at).toLocaleString()}</time> <span class="muted">{e.reason ?? ''}</span>
                  </li>
                ))}
              </ol>
            )}
          </section>

          <section class="card" aria-labelledby="logs">
            <div class="row spread">
              <h2 id="logs">Logs</h2>
              <button type="button" onClick$={loadLogs}>
                Refresh logs
              </button>
            </div>
            {logs.value.state === 'loading' && <Loading label="Loading logs" />}
            {logs.value.state === 'error' && <ErrorState problem={logs.value.problem} onRetry$={loadLogs} />}
            {logs.value.state === 'ready' && (logs.value.data.length === 0 ? <Empty>No log lines yet.</Empty> : <pre aria-label="Log tail">{logs.value.data.map((l) => l.line).join('\n')}</pre>)}
          </section>
        </>
      )}
    </>
  );
});

export const head: DocumentHead = { title: 'Agent service' };
