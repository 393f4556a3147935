import { BASE, type Harness } from './harness.ts';
import { CookieJar } from './cookie-jar.ts';

/** Where a browser stopped, and the cookies it holds for each site. */
export interface BrowserStop {
  url: URL;
  res: Response;
}

/**
 * A browser that talks to two sites: the test IdP over real HTTP, and Berth in-process through
 * the harness (so redirects to http://localhost:8787 go into app.request, never a socket).
 */
export class TwoSiteBrowser {
  readonly app = new CookieJar();
  readonly idp = new CookieJar();

  constructor(
    private readonly h: Harness,
    private readonly issuer: string,
  ) {}

  async request(url: URL, init: { method?: string; form?: Record<string, string> } = {}): Promise<Response> {
    const method = init.method ?? 'GET';
    if (url.origin === new URL(this.issuer).origin) {
      const headers: Record<string, string> = { cookie: this.idp.header() };
      if (init.form) headers['content-type'] = 'application/x-www-form-urlencoded';
      const res = await fetch(url, { method, redirect: 'manual', headers, ...(init.form ? { body: new URLSearchParams(init.form).toString() } : {}) });
      this.idp.absorb(res);
      return res;
    }
    if (url.origin !== BASE) throw new Error(`the browser was sent to an unexpected site: ${url.origin}`);
    const res = await this.h.call(method, `${url.pathname}${url.search}`, { ...(this.app.header() ? { cookie: this.app.header() } : {}) });
    this.app.absorb(res);
    return res;
  }

  /**
   * Follows redirects from `start` until a page answers, or until the browser lands on a Berth
   * page outside /api/auth (the app's own landing page, which the SPA would render).
   */
  async navigate(start: URL, init: { method?: string; form?: Record<string, string> } = {}): Promise<BrowserStop> {
    let url = start;
    let res = await this.request(url, init);
    for (let hop = 0; hop < 20; hop++) {
      const location = res.headers.get('location');
      if (res.status < 300 || res.status >= 400 || !location) return { url, res };
      url = new URL(location, url);
      if (url.origin === BASE && !url.pathname.startsWith('/api/auth/')) return { url, res };
      res = await this.request(url);
    }
    throw new Error('too many redirects');
  }
}

export interface SsoOutcome {
  browser: TwoSiteBrowser;
  /** Where the browser ended: Berth's landing page, or the IdP's answer to a refused login. */
  landing: URL;
  /** The IdP's status for the login form (401 when it refused the password). */
  loginStatus: number;
}

/**
 * Drives a whole sign-in: Berth's /sign-in/social → the IdP's login and consent interactions
 * → Berth's callback. Stops early when the IdP refuses the login.
 */
export async function signInWithSso(h: Harness, issuer: string, login: { id: string; password: string }): Promise<SsoOutcome> {
  const browser = new TwoSiteBrowser(h, issuer);
  const start = await h.call('POST', '/api/auth/sign-in/social', { body: { provider: 'oidc', callbackURL: '/' } });
  if (start.status !== 200) throw new Error(`sign-in/social answered ${start.status}: ${await start.text()}`);
  browser.app.absorb(start);
  const { url } = (await start.json()) as { url: string };

  let stop = await browser.navigate(new URL(url));
  let loginStatus = 0;
  for (let step = 0; step < 4 && stop.url.origin !== BASE; step++) {
    if (stop.res.status !== 200) throw new Error(`the IdP answered ${stop.res.status} at ${stop.url.pathname}: ${await stop.res.text()}`);
    const { prompt } = (await stop.res.json()) as { prompt: string };
    if (prompt === 'login') {
      const res = await browser.request(new URL(`${stop.url.pathname}/login`, stop.url), { method: 'POST', form: { login: login.id, password: login.password } });
      loginStatus = res.status;
      if (res.status !== 303) return { browser, landing: stop.url, loginStatus };
      stop = await browser.navigate(new URL(res.headers.get('location') ?? '', stop.url));
    } else if (prompt === 'consent') {
      const res = await browser.request(new URL(`${stop.url.pathname}/confirm`, stop.url), { method: 'POST' });
      if (res.status !== 303) throw new Error(`consent answered ${res.status}: ${await res.text()}`);
      stop = await browser.navigate(new URL(res.headers.get('location') ?? '', stop.url));
    } else {
      throw new Error(`unexpected IdP prompt ${prompt}`);
    }
  }
  return { browser, landing: stop.url, loginStatus };
}
