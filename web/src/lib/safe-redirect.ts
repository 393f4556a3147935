/** Whitespace and control characters: browsers strip or reinterpret them inside URLs. */
const UNSAFE_CHAR = /[\s\u0000-\u001f\u007f-\u009f\\]/;

function looksLocal(path: string): boolean {
  return path.startsWith('/') && !path.startsWith('//') && !UNSAFE_CHAR.test(path);
}

/**
 * Where to send the browser after signing in: `raw` when it is a path on `origin`, else `/`.
 * An allowlist of one shape: a single leading `/`, no second `/` after it, no backslash, no
 * whitespace or control characters, both as given and once more percent-decoded (so `/%5Cevil`
 * and `/%09/evil` are refused), and `new URL(raw, origin)` must stay on `origin`.
 */
export function safeRedirectPath(raw: string, origin: string): string {
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    return '/';
  }
  if (!looksLocal(raw) || !looksLocal(decoded)) return '/';
  let url: URL;
  try {
    url = new URL(raw, origin);
  } catch {
    return '/';
  }
  if (url.origin !== new URL(origin).origin) return '/';
  return `${url.pathname}${url.search}${url.hash}`;
}
