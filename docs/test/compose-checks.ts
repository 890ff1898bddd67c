import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { asArray, asObject, asString, dependsOf, envOf, lineOf, type Json } from './compose-kit';

/**
 * What a schema cannot see in docker-compose.yml: that the services agree with each other and
 * with the code they run. Each check returns problems as "where: what" lines; none means it holds.
 */

/** One part of the stack as the code defines it: how it starts, what it reads, where it answers. */
export interface Part {
  readonly name: string;
  /** Its services: one, or the replicas of a fleet. */
  readonly services: readonly string[];
  /** The entry the command runs, and the files that read its environment (the composition root). */
  readonly entry: string;
  readonly reads: readonly string[];
  /** Its listen address and port variables, and the variable naming its database. */
  readonly hostEnv: string;
  readonly portEnv: string;
  readonly databaseEnv: string;
  readonly healthPath: string;
}

export interface Stack {
  readonly root: string;
  readonly parts: readonly Part[];
  /** Variable values that came from secrets: a password or token must be one of them. */
  readonly secretValues: ReadonlySet<string>;
}

const services = (doc: unknown): Json => asObject(asObject(doc).services);
const portOf = (service: unknown, envName: string): string => envOf(service)[envName] ?? '';
const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** JSON with sorted keys: two services compare equal whatever order their keys were written in. */
function stable(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stable).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const entries = Object.entries(v).filter(([, x]) => x !== undefined).sort(([a], [b]) => a.localeCompare(b));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${stable(x)}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

/** The inline `content:` of the configs a service mounts at a target (exact path, or a pattern), joined. */
export function configAt(doc: unknown, service: string, target: string | RegExp): string | null {
  const found: string[] = [];
  for (const ref of asArray(asObject(services(doc)[service]).configs)) {
    const r = asObject(ref);
    const at = asString(r.target);
    if (typeof target === 'string' ? at === target : target.test(at)) found.push(asString(asObject(asObject(asObject(doc).configs)[asString(r.source)]).content));
  }
  return found.length ? found.join('\n') : null;
}

export function checkTopLevel(doc: unknown): string[] {
  return 'version' in asObject(doc) ? ['version: obsolete in the Compose Specification; leave it out'] : [];
}

/** Every dependency exists, waits on a healthcheck where it says so, and no cycle blocks start-up. */
export function checkDependencies(doc: unknown): string[] {
  const all = services(doc);
  const problems: string[] = [];
  for (const [name, service] of Object.entries(all)) {
    for (const [dep, condition] of dependsOf(service)) {
      if (!(dep in all)) problems.push(`services.${name}.depends_on: "${dep}" is not a service`);
      else if (condition === 'service_healthy' && !asObject(all[dep]).healthcheck) problems.push(`services.${name}.depends_on: "${dep}" has no healthcheck to wait for`);
    }
  }
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string, trail: string[]): void => {
    if (state.get(name) === 'done' || !(name in all)) return;
    if (state.get(name) === 'visiting') {
      problems.push(`depends_on: cycle ${[...trail.slice(trail.indexOf(name)), name].join(' → ')}`);
      return;
    }
    state.set(name, 'visiting');
    for (const dep of dependsOf(all[name]).keys()) visit(dep, [...trail, name]);
    state.set(name, 'done');
  };
  for (const name of Object.keys(all)) visit(name, []);
  return problems;
}

/** Each part runs its own entry with the variables its code reads, listens on all addresses, and is probed on its own port. */
export function checkParts(doc: unknown, stack: Stack): string[] {
  const problems: string[] = [];
  for (const part of stack.parts) {
    const source = part.reads.map((file) => readFileSync(path.join(stack.root, file), 'utf8')).join('\n');
    if (!existsSync(path.join(stack.root, part.entry))) problems.push(`${part.name}: entry ${part.entry} does not exist`);
    for (const name of part.services) {
      const service = services(doc)[name];
      const at = `services.${name}`;
      if (!service) {
        problems.push(`${at}: missing (the ${part.name})`);
        continue;
      }
      const env = envOf(service);
      if (!lineOf(asObject(service).command).split(' ').includes(part.entry)) problems.push(`${at}.command: does not run ${part.entry}`);
      for (const key of Object.keys(env)) {
        const read = key.startsWith('STRANGLER_UPSTREAM_') ? 'STRANGLER_UPSTREAM_' : key;
        if (!new RegExp(`\\b${read}(?![A-Z0-9_])`).test(source)) problems.push(`${at}.environment.${key}: not read by ${part.reads.join(' or ')}`);
      }
      if (env[part.hostEnv] !== '0.0.0.0') problems.push(`${at}.environment.${part.hostEnv}: must be 0.0.0.0 to be reachable from other containers`);
      const port = env[part.portEnv];
      const probe = lineOf(asObject(asObject(service).healthcheck).test);
      const want = `http://127.0.0.1:${port}${part.healthPath}`;
      if (!port || !probe.includes(`'${want}'`)) problems.push(`${at}.healthcheck: must probe ${want} (${part.portEnv}=${port ?? 'unset'})`);
      const listens = new Set(Object.entries(env).filter(([k]) => k.endsWith('_PORT')).map(([, v]) => v));
      for (const mapping of asArray(asObject(service).ports)) {
        const inside = asString(mapping).split(':').at(-1) ?? '';
        if (!listens.has(inside)) problems.push(`${at}.ports: ${asString(mapping)} publishes ${inside}, where nothing listens`);
        if (!asString(mapping).startsWith('127.0.0.1:')) problems.push(`${at}.ports: ${asString(mapping)} must bind 127.0.0.1 only`);
      }
    }
  }
  return problems;
}

interface DbUrl {
  readonly service: string;
  readonly part: string;
  readonly url: URL;
}

/** One database and one user per part, created by the init SQL with grants on that database only. */
export function checkDatabases(doc: unknown, stack: Stack, initSql: string | null): string[] {
  const problems: string[] = [];
  const urls: DbUrl[] = [];
  for (const part of stack.parts) {
    for (const name of part.services) {
      const raw = envOf(services(doc)[name])[part.databaseEnv] ?? '';
      try {
        const url = new URL(raw);
        if (url.protocol !== 'mysql:') throw new Error('not mysql');
        urls.push({ service: name, part: part.name, url });
      } catch {
        problems.push(`services.${name}.environment.${part.databaseEnv}: not a mysql:// URL`);
      }
    }
  }
  const byDb = new Map<string, Set<string>>();
  const byUser = new Map<string, Set<string>>();
  for (const { service, part, url } of urls) {
    const db = url.pathname.slice(1);
    const at = `services.${service}`;
    byDb.set(db, (byDb.get(db) ?? new Set()).add(part));
    byUser.set(url.username, (byUser.get(url.username) ?? new Set()).add(part));
    const server = asObject(services(doc)[url.hostname]);
    if (!/^(mariadb|mysql):/.test(asString(server.image))) problems.push(`${at}: database host "${url.hostname}" is not the MySQL service`);
    if (url.port !== '3306') problems.push(`${at}: database port ${url.port || '(none)'} is not MySQL's 3306`);
    if (!stack.secretValues.has(decodeURIComponent(url.password))) problems.push(`${at}: database password is not taken from a required variable`);
    const sql = initSql ?? '';
    if (!new RegExp(`^CREATE DATABASE ${escapeRe(db)} `, 'm').test(sql)) problems.push(`${at}: database "${db}" is not created at init`);
    if (!sql.includes(`CREATE USER '${url.username}'@'%' IDENTIFIED BY '${decodeURIComponent(url.password)}';`)) problems.push(`${at}: user "${url.username}" is not created at init with the URL's password`);
    const grants = [...sql.matchAll(new RegExp(`^GRANT .* ON (\\S+) TO '${escapeRe(url.username)}'@`, 'gm'))].map((m) => m[1]);
    if (grants.join() !== `${db}.*`) problems.push(`${at}: user "${url.username}" must be granted ${db}.* and nothing else (has ${grants.join(', ') || 'none'})`);
  }
  for (const [db, parts] of byDb) if (parts.size > 1) problems.push(`database "${db}" is shared by ${[...parts].join(' and ')}`);
  for (const [user, parts] of byUser) if (parts.size > 1) problems.push(`database user "${user}" is shared by ${[...parts].join(' and ')}`);
  if (initSql === null) problems.push('services.mysql.configs: no init SQL in /docker-entrypoint-initdb.d');
  return problems;
}

/** Replicas differ only in their name (and the host port of their admin API). */
export function checkReplicas(doc: unknown, part: Part, secretValues: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  const [first, ...rest] = part.services.map((name) => ({ name, service: asObject(services(doc)[name]) }));
  if (!first || rest.length === 0) return [`${part.name}: needs at least two replicas`];
  const same = (s: Json): string => stable({ ...s, environment: { ...envOf(s), STRANGLER_REPLICA: undefined }, ports: undefined });
  const names = new Set<string>();
  for (const { name, service } of [first, ...rest]) {
    if (same(service) !== same(first.service)) problems.push(`services.${name}: differs from ${first.name} in more than its replica name and ports`);
    names.add(envOf(service).STRANGLER_REPLICA ?? '');
    if (!secretValues.has(envOf(service).STRANGLER_ADMIN_TOKEN ?? '')) problems.push(`services.${name}.environment.STRANGLER_ADMIN_TOKEN: must come from a required variable`);
  }
  if (names.size !== part.services.length || names.has('')) problems.push(`${part.name}: every replica needs its own STRANGLER_REPLICA`);
  return problems;
}

/** The load balancer sends to every replica on its gateway port, waits for them, and lets the gateway's limits decide. */
export function checkBalancer(doc: unknown, lb: string, gateway: Part, maxBodyBytes: number): string[] {
  const conf = configAt(doc, lb, '/etc/nginx/conf.d/default.conf');
  if (conf === null) return [`services.${lb}: no nginx config at /etc/nginx/conf.d/default.conf`];
  const problems: string[] = [];
  const servers = [...conf.matchAll(/^\s*server\s+([\w.-]+:\d+)/gm)].map((m) => m[1]).sort();
  const replicas = gateway.services.map((name) => `${name}:${portOf(services(doc)[name], gateway.portEnv)}`).sort();
  if (servers.join() !== replicas.join()) problems.push(`configs.${lb}: balances ${servers.join(', ') || 'nothing'}, not the replicas ${replicas.join(', ')}`);
  const upstream = /upstream\s+(\S+)\s*\{/.exec(conf)?.[1];
  if (!upstream || !conf.includes(`proxy_pass http://${upstream};`)) problems.push(`configs.${lb}: proxy_pass does not use the upstream group`);
  const listen = /^\s*listen\s+(\d+);/m.exec(conf)?.[1];
  const service = asObject(services(doc)[lb]);
  if (!asArray(service.ports).some((p) => asString(p).endsWith(`:${listen}`))) problems.push(`services.${lb}.ports: does not publish the listen port ${listen}`);
  if (!lineOf(asObject(service.healthcheck).test).includes(`http://127.0.0.1:${listen}/`)) problems.push(`services.${lb}.healthcheck: does not probe the listen port ${listen}`);
  for (const name of gateway.services) if (dependsOf(service).get(name) !== 'service_healthy') problems.push(`services.${lb}.depends_on: must wait for ${name} to be healthy`);
  const body = /client_max_body_size\s+(\d+)m;/.exec(conf);
  if (!body || Number(body[1]) * 1024 * 1024 <= maxBodyBytes) problems.push(`configs.${lb}: client_max_body_size must be above the gateway's maxBodyBytes (${maxBodyBytes})`);
  return problems;
}

/** A part that runs as several replicas of one service: at least `min`, and nothing that pins one container. */
export function checkScaledPart(doc: unknown, name: string, min: number): string[] {
  const service = asObject(services(doc)[name]);
  const replicas = Number(asObject(service.deploy).replicas ?? 1);
  const problems = replicas >= min ? [] : [`services.${name}.deploy.replicas: runs ${replicas}, needs at least ${min}`];
  if (service.container_name !== undefined || service.ports !== undefined) problems.push(`services.${name}: a container_name or a host port would stop it from scaling`);
  return problems;
}

/** An http URL inside compose names a service and the port that service listens on. */
export function checkServiceUrl(doc: unknown, where: string, raw: string, parts: readonly Part[]): string[] {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return [`${where}: "${raw}" is not a URL`];
  }
  const part = parts.find((p) => p.services.includes(url.hostname));
  if (!part) return [`${where}: ${url.hostname} is not an app service`];
  const port = portOf(services(doc)[url.hostname], part.portEnv);
  return url.port === port ? [] : [`${where}: port ${url.port || '(default)'} is not ${url.hostname}'s ${part.portEnv}=${port}`];
}

/** One image for every app service, built from node:20-bookworm-slim with what its native modules need and the folders it runs. */
export function checkImage(doc: unknown, parts: readonly Part[], needs: readonly string[]): string[] {
  const problems: string[] = [];
  const apps = parts.flatMap((p) => p.services).map((name) => ({ name, service: asObject(services(doc)[name]) }));
  const images = new Set(apps.map(({ service }) => asString(service.image)));
  const builds = new Set(apps.map(({ service }) => JSON.stringify(service.build)));
  if (images.size !== 1 || images.has('') || builds.size !== 1) problems.push('app services: must share one image name and one build');
  const dockerfile = asString(asObject(apps[0]?.service.build).dockerfile_inline);
  if (!/^FROM node:20-bookworm-slim\b/m.test(dockerfile)) problems.push('build.dockerfile_inline: must start FROM node:20-bookworm-slim');
  if (!/\bnpm ci\b/.test(dockerfile)) problems.push('build.dockerfile_inline: must install with npm ci');
  for (const tool of ['python3', 'make', 'g++']) if (!new RegExp(`apt-get install .*\\s${escapeRe(tool)}(\\s|$)`, 'm').test(dockerfile)) problems.push(`build.dockerfile_inline: must install ${tool} (better-sqlite3 builds from source)`);
  const copied = [...dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((m) => (m[1] ?? '').split(' '));
  for (const need of needs) if (!copied.includes(need)) problems.push(`build.dockerfile_inline: does not copy ${need}`);
  return problems;
}
