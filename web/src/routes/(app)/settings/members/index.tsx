import '../../../../lib/zod-csp.ts';
import { $, component$, useSignal, useStore, useVisibleTask$ } from '@builder.io/qwik';
import type { DocumentHead } from '@builder.io/qwik-city';
import { CreateInvitationBody, ROLE_RANK, Role, type Invitation, type JoinRequest, type Member } from '@berth/protocol';
import { currentTenant, useApp } from '../../../../components/app/app-context.ts';
import { ConfirmButton } from '../../../../components/confirm-button/confirm-button.tsx';
import { Field, describe } from '../../../../components/field/field.tsx';
import { Empty, ErrorState, Loading } from '../../../../components/states/states.tsx';
import { api } from '../../../../lib/api.ts';
import { settle, toProblem, type Loadable, type Problem } from '../../../../lib/problem.ts';
import { check, type FieldErrors } from '../../../../lib/validate.ts';

const ROLES = Role.options;

/** Members (roles, removal, with the last-owner and self guards shown), invitations and join requests. */
export default component$(() => {
  const app = useApp();
  const members = useSignal<Loadable<Member[]>>({ state: 'loading' });
  const invites = useSignal<Loadable<Invitation[]>>({ state: 'loading' });
  const requests = useSignal<Loadable<JoinRequest[]>>({ state: 'loading' });
  const actionError = useSignal<Problem | null>(null);
  const invite = useStore({ email: '', role: 'viewer' });
  const inviteErrors = useSignal<FieldErrors>({});

  const loadMembers = $(async () => {
    members.value = await settle(api.members(app.tenant).then((r) => r.items));
  });
  const loadInvites = $(async () => {
    invites.value = await settle(api.invitations(app.tenant).then((r) => r.items.filter((i) => i.status === 'pending')));
  });
  const loadRequests = $(async () => {
    requests.value = await settle(api.joinRequests(app.tenant).then((r) => r.items.filter((j) => j.status === 'pending')));
  });
  const act = $(async (fn: () => Promise<unknown>) => {
    actionError.value = null;
    try {
      await fn();
    } catch (err) {
      actionError.value = toProblem(err);
    }
    await Promise.all([loadMembers(), loadInvites(), loadRequests()]);
  });

  useVisibleTask$(
    async ({ track }) => {
      if (!track(() => app.ready)) return;
      await loadMembers();
      if (members.value.state === 'ready') await Promise.all([loadInvites(), loadRequests()]);
    },
    { strategy: 'document-ready' },
  );

  const me = app.me;
  const myRole = currentTenant(app)?.role;
  const canManage = myRole === 'owner' || myRole === 'admin';
  const owners = members.value.state === 'ready' ? members.value.data.filter((m) => m.role === 'owner').length : 0;

  return (
    <>
      <h1>Members</h1>
      {actionError.value && <ErrorState problem={actionError.value} />}
      {members.value.state === 'loading' && <Loading label="Loading members" />}
      {members.value.state === 'error' && <ErrorState problem={members.value.problem} onRetry$={loadMembers} />}
      {members.value.state === 'ready' && (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Member</th>
                <th scope="col">Role</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {members.value.data.map((m) => {
                const self = m.userId === me?.id;
                const lastOwner = m.role === 'owner' && owners <= 1;
                const outranks = myRole !== undefined && ROLE_RANK[m.role] > ROLE_RANK[myRole];
                const guard = self ? 'you cannot change or remove yourself here' : lastOwner ? 'the last owner stays until another owner exists' : outranks ? 'outranks you' : '';
                return (
                  <tr key={m.userId} data-member={m.email}>
                    <td>
                      {m.name} <span class="muted">{m.email}</span>
                      {self && <span class="badge ok"> you</span>}
                    </td>
                    <td>
                      <label class="skip" for={`role-${m.userId}`}>
                        Role of {m.email}
                      </label>
                      <select id={`role-${m.userId}`} disabled={!canManage || guard !== ''} onChange$={(_, el) => act(() => api.setRole(app.tenant, m.userId, Role.parse(el.value)))}>
                        {ROLES.map((r) => (
                          <option key={r} value={r} selected={r === m.role} disabled={myRole !== undefined && ROLE_RANK[r] > ROLE_RANK[myRole]}>
                            {r}
                          </option>
                        ))}
                      </select>
                      {guard && <div class="muted" data-guard={guard}>{guard}</div>}
                    </td>
                    <td>
                      <ConfirmButton label="Remove" question={`Remove ${m.email} from the tenant?`} confirmLabel={`Remove ${m.email}`} disabled={!canManage || guard !== ''} onConfirm$={() => act(() => api.removeMember(app.tenant, m.userId))} />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}

      {canManage && (
        <>
          <h2 id="invitations">Invitations</h2>
          <form
            class="card row"
            preventdefault:submit
            noValidate
            onSubmit$={async () => {
              const v = check(CreateInvitationBody, { email: invite.email, role: invite.role });
              if (!v.ok) {
                inviteErrors.value = v.errors;
                return;
              }
              inviteErrors.value = {};
              await act(() => api.invite(app.tenant, { email: v.data.email, role: v.data.role }));
              invite.email = '';
            }}
          >
            <Field id="inv-email" label="Email" error={inviteErrors.value.email}>
              <input id="inv-email" type="email" value={invite.email} onInput$={(_, el) => (invite.email = el.value)} {...describe('inv-email', inviteErrors.value.email)} />
            </Field>
            <Field id="inv-role" label="Role">
              <select id="inv-role" onChange$={(_, el) => (invite.role = el.value)}>
                {ROLES.map((r) => (
                  <option key={r} value={r} selected={r === invite.role}>
                    {r}
                  </option>
                ))}
              </select>
            </Field>
            <button type="submit" class="primary">
              Invite
            </button>
          </form>
          {invites.value.state === 'loading' && <Loading label="Loading invitations" />}
          {invites.value.state === 'error' && <ErrorState problem={invites.value.problem} onRetry$={loadInvites} />}
          {invites.value.state === 'ready' &&
            (invites.value.data.length === 0 ? (
              <Empty>No pending invitations.</Empty>
            ) : (
              <ul>
                {invites.value.data.map((i) => (
                  <li key={i.id} class="row">
                    {i.email} as {i.role}, until {new Date(i.expiresAt).toLocaleDateString()}
                    <button type="button" onClick$={() => act(() => api.revokeInvitation(app.tenant, i.id))}>
                      Revoke
                    </button>
                  </li>
                ))}
              </ul>
            ))}

          <h2 id="join-requests">Join requests</h2>
          {requests.value.state === 'loading' && <Loading label="Loading join requests" />}
          {requests.value.state === 'error' && <ErrorState problem={requests.value.problem} onRetry$={loadRequests} />}
          {requests.value.state === 'ready' &&
            (requests.value.data.length === 0 ? (
              <Empty>No one is waiting to join.</Empty>
            ) : (
              <ul>
                {requests.value.data.map((j) => (
                  <li key={j.id} class="row">
                    <span>
                      {j.email}
                      {j.message ? `: “${j.message}”` : ''}
                    </span>
                    <button type="button" class="primary" onClick$={() => act(() => api.approveJoin(app.tenant, j.id, 'viewer'))}>
                      Approve {j.email} as viewer
                    </button>
                    <button type="button" onClick$={() => act(() => api.rejectJoin(app.tenant, j.id))}>
                      Reject
                    </button>
                  </li>
                ))}
              </ul>
            ))}
        </>
      )}
    </>
  );
});

export const head: DocumentHead = { title: 'Members' };
