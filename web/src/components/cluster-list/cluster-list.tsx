import { $, component$, useSignal, useVisibleTask$ } from '@builder.io/qwik';
import { CreateClusterBody, type Cluster, type ClusterJoin } from '@berth/protocol';
import { useApp } from '../app/app-context.ts';
import { CopyButton } from '../copy-button/copy-button.tsx';
import { Field, describe } from '../field/field.tsx';
import { Empty, ErrorState, Loading } from '../states/states.tsx';
import { api } from '../../lib/api.ts';
import { settle, toProblem, type Loadable, type Problem } from '../../lib/problem.ts';
import { check } from '../../lib/validate.ts';

/** Clusters with their agents online, registration and a fresh enroll command (shown once). */
export const ClusterList = component$((props: { scope: 'tenant' | 'platform'; canRegister: boolean }) => {
  const app = useApp();
  const clusters = useSignal<Loadable<Cluster[]>>({ state: 'loading' });
  const name = useSignal('');
  const nameError = useSignal('');
  const joined = useSignal<ClusterJoin | null>(null);
  const failure = useSignal<Problem | null>(null);
  const load = $(async () => {
    clusters.value = await settle((props.scope === 'tenant' ? api.clusters(app.tenant) : api.sharedClusters()).then((r) => r.items));
  });
  useVisibleTask$(
    async ({ track }) => {
      if (!track(() => app.ready)) return;
      await load();
    },
    { strategy: 'document-ready' },
  );
  const newToken = $(async (clusterId: string) => {
    failure.value = null;
    try {
      joined.value = await (props.scope === 'tenant' ? api.newJoinToken(app.tenant, clusterId) : api.newSharedJoinToken(clusterId));
    } catch (err) {
      failure.value = toProblem(err);
    }
  });
  return (
    <>
      {joined.value && (
        <div class="card secret-once" data-testid="enroll-command">
          <p>
            Run this on a manager of the swarm for <strong>{joined.value.cluster.name}</strong> before {new Date(joined.value.expiresAt).toLocaleString()}. The token is shown only once.
          </p>
          <pre>{joined.value.enrollCommand}</pre>
          <CopyButton text={joined.value.enrollCommand} label="Copy enroll command" />
        </div>
      )}
      {failure.value && <ErrorState problem={failure.value} />}
      {props.canRegister && (
        <form
          class="card row"
          preventdefault:submit
          noValidate
          onSubmit$={async () => {
            const v = check(CreateClusterBody, { name: name.value });
            if (!v.ok) {
              nameError.value = v.errors.name ?? 'give the cluster a name';
              return;
            }
            nameError.value = '';
            failure.value = null;
            try {
              joined.value = await (props.scope === 'tenant' ? api.registerCluster(app.tenant, { name: v.data.name }) : api.registerSharedCluster({ name: v.data.name }));
              name.value = '';
              await load();
            } catch (err) {
              failure.value = toProblem(err);
            }
          }}
        >
          <Field id="cl-name" label="New cluster name" error={nameError.value || undefined}>
            <input id="cl-name" value={name.value} onInput$={(_, el) => (name.value = el.value)} {...describe('cl-name', nameError.value || undefined)} />
          </Field>
          <button class="primary" type="submit">
            Register cluster
          </button>
        </form>
      )}
      {clusters.value.state === 'loading' && <Loading label="Loading clusters" />}
      {clusters.value.state === 'error' && <ErrorState problem={clusters.value.problem} onRetry$={load} />}
      {clusters.value.state === 'ready' &&
        (clusters.value.data.length === 0 ? (
          <Empty>No clusters yet.</Empty>
        ) : (
          clusters.value.data.map((c) => {
            const own = props.scope === 'platform' || !c.shared;
            return (
              <section key={c.id} class="card" aria-label={`Cluster ${c.name}`}>
                <div class="row spread">
                  <h2>
                    {c.name} <span class="muted">{c.shared ? '(shared)' : '(this tenant’s own)'}</span>
                  </h2>
                  <span class={['badge', c.nodes.online > 0 ? 'ok' : 'unknown']}>
                    {c.nodes.online} of {c.nodes.total} agents online
                  </span>
                </div>
                <p class="muted">Registries: {c.allowedRegistries.join(', ')}</p>
                {c.agents.length > 0 && (
                  <ul>
                    {c.agents.map((a) => (
                      <li key={a.id}>
                        {a.hostname} <span class="muted">v{a.version}</span> <span class={['badge', a.online ? 'ok' : 'bad']}>{a.online ? 'online' : 'offline'}</span>
                      </li>
                    ))}
                  </ul>
                )}
                {own && props.canRegister && (
                  <button type="button" onClick$={() => newToken(c.id)}>
                    New enroll command for {c.name}
                  </button>
                )}
              </section>
            );
          })
        ))}
    </>
  );
});
