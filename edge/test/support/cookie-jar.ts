/**
 * A browser's cookie store for one site, as far as the flows in these tests need it: it keeps
 * the latest value per name, drops cookies that are cleared or expired, and ignores paths.
 */
export class CookieJar {
  readonly #values = new Map<string, string>();

  /** Applies every Set-Cookie of a response. */
  absorb(res: Response): this {
    for (const line of res.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const at = pair.indexOf('=');
      if (at <= 0) continue;
      const name = pair.slice(0, at).trim();
      const value = pair.slice(at + 1).trim();
      const cleared = attributes.some((a) => {
        const [key = '', v = ''] = a.split('=').map((s) => s.trim());
        if (key.toLowerCase() === 'max-age') return Number(v) <= 0;
        if (key.toLowerCase() === 'expires') return Date.parse(v) <= Date.now();
        return false;
      });
      if (cleared || value === '') this.#values.delete(name);
      else this.#values.set(name, value);
    }
    return this;
  }

  has(name: string): boolean {
    return this.#values.has(name);
  }

  get(name: string): string | undefined {
    return this.#values.get(name);
  }

  /** The Cookie request header ('' when empty). */
  header(): string {
    return [...this.#values].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}
