/**
 * Image references read the way Docker reads them (distribution/reference `ParseNormalizedNamed`),
 * so that the registry admission checks is the registry Docker pulls from.
 */

const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = new RegExp(`^(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?$`);
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;
const IDENTIFIER = /^[a-f0-9]{64}$/;
const NAME_MAX = 255;

/** An image reference split the way Docker splits it. `host` is lower-cased (hosts compare case-insensitively). */
export interface ParsedImageRef {
  /** Registry host (with port), lower-cased; `docker.io` for Docker Hub. */
  host: string;
  /** Repository path on that registry, e.g. `library/busybox`. */
  path: string;
  tag: string | undefined;
  digest: string | undefined;
}

/**
 * Docker's rule for the first path component: it names a registry host when it contains `.` or
 * `:`, is `localhost`, or contains an upper-case letter (so `Evil/app` and `LOCALHOST/app` are hosts).
 */
function isRegistryHost(component: string): boolean {
  return /[.:]/.test(component) || component === 'localhost' || component.toLowerCase() !== component;
}

/** Parses an image reference as Docker does; undefined when Docker would refuse it. */
export function parseImageRef(image: string): ParsedImageRef | undefined {
  if (IDENTIFIER.test(image)) return undefined;
  const at = image.indexOf('@');
  const nameTag = at === -1 ? image : image.slice(0, at);
  const digest = at === -1 ? undefined : image.slice(at + 1);
  if (digest !== undefined && !DIGEST.test(digest)) return undefined;
  const colon = nameTag.lastIndexOf(':');
  const hasTag = colon > nameTag.lastIndexOf('/');
  const name = hasTag ? nameTag.slice(0, colon) : nameTag;
  const tag = hasTag ? nameTag.slice(colon + 1) : undefined;
  if (tag !== undefined && !TAG.test(tag)) return undefined;

  const slash = name.indexOf('/');
  const first = slash === -1 ? '' : name.slice(0, slash);
  let host = 'docker.io';
  let path = name;
  if (slash !== -1 && isRegistryHost(first)) {
    host = first;
    path = name.slice(slash + 1);
  }
  if (!DOMAIN.test(host)) return undefined;
  // Docker maps only the exact legacy spelling; any other case stays a host of its own.
  if (host === 'index.docker.io') host = 'docker.io';
  if (host === 'docker.io' && !path.includes('/')) path = `library/${path}`;
  if (!path.split('/').every((c) => PATH_COMPONENT.test(c))) return undefined;
  if (host.length + 1 + path.length > NAME_MAX) return undefined;
  return { host: host.toLowerCase(), path, tag, digest };
}

/**
 * Canonical `host/path` of an image without tag or digest, the way Docker resolves names:
 * `busybox` → `docker.io/library/busybox`, `berth-test/busybox:1` → `docker.io/berth-test/busybox`,
 * `Evil/app` → `evil/app`; undefined for a reference Docker would refuse.
 */
export function imageRegistryPath(image: string): string | undefined {
  const ref = parseImageRef(image);
  return ref ? `${ref.host}/${ref.path}` : undefined;
}

/**
 * The `host/namespace` prefix an allowlist entry stands for. An entry whose first component is not
 * a host is a Docker Hub namespace (`berth-test` → `docker.io/berth-test`).
 */
export function registryEntryPrefix(entry: string): string {
  const trimmed = entry.replace(/\/+$/, '');
  const slash = trimmed.indexOf('/');
  const first = slash === -1 ? trimmed : trimmed.slice(0, slash);
  const rest = slash === -1 ? '' : trimmed.slice(slash);
  if (!isRegistryHost(first)) return `docker.io/${trimmed}`;
  const host = first === 'index.docker.io' ? 'docker.io' : first.toLowerCase();
  return `${host}${rest}`;
}

/** True when `image` parses as Docker would and comes from one of the allowed registries / namespaces. */
export function isImageAllowed(image: string, allowedRegistries: readonly string[]): boolean {
  const full = imageRegistryPath(image);
  return full !== undefined && allowedRegistries.some((e) => full.startsWith(`${registryEntryPrefix(e)}/`));
}
