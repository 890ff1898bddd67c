import type { TableIssue } from './errors';
import type { DiscoverConfig } from './instances-schema';
import type { UpstreamConfig } from './schema';
import type { CompiledInstance, CompiledUpstream } from './table';
import { checkDiscoverName, checkUpstreamUrl } from './upstream-url';

/**
 * An override from the deployment (a flag or STRANGLER_UPSTREAM_<NAME>): one origin, several
 * separated by commas, or `dns://name:port` for instances found in DNS.
 */
function applyOverride(declared: UpstreamConfig, override: string): UpstreamConfig {
  const { url: _url, instances: _instances, discover: _discover, ...rest } = declared;
  const dns = /^dns(s?):\/\/([^:/]+):(\d+)\/?$/i.exec(override.trim());
  if (dns) return { ...rest, discover: { dns: dns[2] as string, port: Number(dns[3]), protocol: dns[1] ? 'https' : 'http', refreshMs: declared.discover?.refreshMs ?? 5_000 } };
  const urls = override.split(',').map((u) => u.trim()).filter((u) => u !== '');
  return urls.length === 1 ? { ...rest, url: urls[0] } : { ...rest, instances: urls.map((url) => ({ url, weight: 1 })) };
}

/**
 * Applies the deployment's overrides and compiles every upstream: its static instances, each URL
 * checked like the file's own (an override's issues name the override, not the file), or its DNS
 * discovery. Exactly one of url, instances or discover is declared.
 */
export function compileUpstreams(declared: Record<string, UpstreamConfig>, overrides: Readonly<Record<string, string>>, issues: TableIssue[]): Map<string, CompiledUpstream> {
  const overridden = new Set<string>();
  for (const [name, override] of Object.entries(overrides)) {
    // Own keys only: "constructor" or "__proto__" must be refused like any other unknown name.
    const upstream = Object.hasOwn(declared, name) ? declared[name] : undefined;
    if (!upstream) issues.push({ path: `override ${name}`, message: `no upstream named "${name}" in the table` });
    else {
      declared[name] = applyOverride(upstream, override);
      overridden.add(name);
    }
  }
  const compiled = new Map<string, CompiledUpstream>();
  for (const [name, config] of Object.entries(declared)) {
    const at = (path: string) => (overridden.has(name) ? `override ${name}` : `upstreams.${name}${path}`);
    const upstream = compileUpstream(name, config, at, issues);
    if (upstream) compiled.set(name, upstream);
  }
  return compiled;
}

function compileUpstream(name: string, config: UpstreamConfig, at: (path: string) => string, issues: TableIssue[]): CompiledUpstream | null {
  const declaredWays = [config.url, config.instances, config.discover].filter((w) => w !== undefined).length;
  if (declaredWays !== 1) {
    issues.push({ path: at(''), message: declaredWays === 0 ? 'declares no url, instances or discover: one is required' : 'declares more than one of url, instances and discover: keep one' });
    return null;
  }
  const before = issues.length;
  const instances: CompiledInstance[] = [];
  const add = (url: string, weight: number, path: string) => {
    const checked = checkUpstreamUrl(url);
    if (typeof checked === 'string') issues.push({ path: at(path), message: checked });
    else instances.push(Object.freeze({ origin: checked, weight, key: instanceKey(checked.hostname, checked.port) }));
  };
  if (config.url !== undefined) add(config.url, 1, '.url');
  config.instances?.forEach((instance, i) => add(instance.url, instance.weight, `.instances[${i}].url`));
  const discover: DiscoverConfig | null = config.discover ?? null;
  if (discover) {
    const refused = checkDiscoverName(discover.dns);
    if (refused) issues.push({ path: at('.discover.dns'), message: refused });
  }
  const keys = new Set(instances.map((i) => i.key));
  if (keys.size < instances.length) issues.push({ path: at('.instances'), message: 'lists one instance twice' });
  if (issues.length > before) return null;
  return Object.freeze({ name, config: Object.freeze(config), instances: Object.freeze(instances), discover });
}

/** How an instance is named in metrics and reports: host:port (an IPv6 host in brackets). */
export function instanceKey(hostname: string, port: number): string {
  return `${hostname.includes(':') ? `[${hostname}]` : hostname}:${port}`;
}
