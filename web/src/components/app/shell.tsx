import { component$, Slot, useContextProvider, useStore, useVisibleTask$ } from '@builder.io/qwik';
import { useLocation } from '@builder.io/qwik-city';
import { api } from '../../lib/api.ts';
import { toProblem } from '../../lib/problem.ts';
import { go, href, query, rememberTenant } from '../../lib/session.ts';
import { AppCtx, currentTenant, type AppState } from './app-context.ts';

const TENANT_LINKS: [string, string][] = [
  ['/agents/', 'Agents'],
  ['/agents/new/', 'New agent'],
  ['/settings/', 'Settings'],
  ['/settings/members/', 'Members'],
  ['/settings/tokens/', 'API tokens'],
  ['/settings/quota/', 'Quota & usage'],
  ['/settings/clusters/', 'Clusters'],
  ['/audit/', 'Audit log'],
];
const ADMIN_LINKS: [string, string][] = [
  ['/admin/users/', 'Users'],
  ['/admin/clusters/', 'Shared clusters'],
  ['/admin/quotas/', 'Quotas'],
  ['/admin/registration/', 'Registration'],
  ['/admin/audit/', 'Platform audit'],
];
const ACCOUNT_LINKS: [string, string][] = [['/settings/security/', 'Security']];

/** Pages a tenant switch keeps; anything deeper (one agent) falls back to the agent list. */
const switchTarget = (path: string, slug: string) => href(TENANT_LINKS.some(([p]) => p === path) ? path : '/agents/', slug);

/** One titled group of navigation links; `slug` makes them tenant links. */
const NavSection = component$((props: { title: string; links: [string, string][]; path: string; slug?: string }) => (
  <>
    <h2>{props.title}</h2>
    <ul>
      {props.links.map(([p, label]) => (
        <li key={p}>
          <a href={props.slug ? href(p, props.slug) : p} aria-current={props.path === p ? 'page' : undefined}>
            {label}
          </a>
        </li>
      ))}
    </ul>
  </>
));

/** The signed-in shell: loads who you are and your tenants, offers the switcher and navigation. */
export const Shell = component$(() => {
  const loc = useLocation();
  const app = useStore<AppState>({ ready: false, me: null, tenants: [], tenant: '', problem: null });
  useContextProvider(AppCtx, app);

  useVisibleTask$(
    async () => {
      try {
        const me = await api.me();
        const { items } = await api.tenants();
        const t = query('t');
        const current = items.find((x) => x.slug === t || x.id === t);
        app.me = me;
        app.tenants = items;
        app.tenant = current?.slug ?? t;
        if (current) rememberTenant(current.slug);
        app.ready = true;
      } catch (err) {
        const p = toProblem(err);
        if (p.status === 401) go(`/sign-in/?next=${encodeURIComponent(window.location.pathname + window.location.search)}`);
        else app.problem = p;
      }
    },
    { strategy: 'document-ready' },
  );

  const tenant = currentTenant(app);
  const accent = tenant?.branding.accentColor;
  const path = loc.url.pathname;
  return (
    <div class="shell" style={accent ? `--accent:${accent}` : undefined} data-ready={app.ready ? 'yes' : 'no'}>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header>
        <a class="brand" href="/">
          {tenant?.branding.logoUrl ? <img src={tenant.branding.logoUrl} alt="" /> : <span class="dot" aria-hidden="true" />}
          {tenant?.branding.displayName ?? 'Berth'}
        </a>
        <div class="switcher">
          <label for="tenant-switch">Tenant</label>
          <select
            id="tenant-switch"
            disabled={!app.ready}
            onChange$={(_, el) => {
              if (!el.value) return go('/tenants/');
              rememberTenant(el.value);
              go(switchTarget(path, el.value));
            }}
          >
            {!tenant && <option value="">{app.ready ? 'Choose a tenant' : 'Loading…'}</option>}
            {app.tenants.map((t) => (
              <option key={t.id} value={t.slug} selected={t.slug === app.tenant}>
                {t.status === 'deleting' ? `${t.name} (being deleted)` : t.name}
              </option>
            ))}
          </select>
          <a href="/tenants/" class="muted">
            All tenants, join or create
          </a>
        </div>
        <nav aria-label="Main">
          {tenant && <NavSection title={tenant.name} links={TENANT_LINKS} path={path} slug={tenant.slug} />}
          {app.me && <NavSection title="Account" links={ACCOUNT_LINKS} path={path} />}
          {app.me?.platformRole === 'admin' && <NavSection title="Platform" links={ADMIN_LINKS} path={path} />}
        </nav>
        {app.me && (
          <div class="row">
            <span class="muted" title={app.me.email}>
              {app.me.name}
            </span>
            <button
              type="button"
              onClick$={async () => {
                await api.signOut().catch(() => undefined);
                go('/sign-in/');
              }}
            >
              Sign out
            </button>
          </div>
        )}
      </header>
      <main id="main" tabIndex={-1}>
        {app.problem && (
          <div class="state error" role="alert">
            {app.problem.message}
          </div>
        )}
        <Slot />
      </main>
    </div>
  );
});
