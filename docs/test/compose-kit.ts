import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv, { type ErrorObject } from 'ajv';
import { parse } from 'yaml';

/**
 * Reading docker-compose.yml the way `docker compose` does, without Docker: YAML with merge keys,
 * then variable interpolation, then the Compose Specification's JSON schema.
 */

export type Json = Record<string, unknown>;

export const asObject = (v: unknown): Json => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
export const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
export const asString = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : '');

/** A service's environment, from either of the spec's forms (map, or list of KEY=VALUE). */
export function envOf(service: unknown): Record<string, string> {
  const env = asObject(service).environment;
  if (Array.isArray(env)) {
    return Object.fromEntries(env.map((e) => asString(e)).map((e) => [e.split('=')[0] ?? '', e.slice(e.indexOf('=') + 1)]));
  }
  return Object.fromEntries(Object.entries(asObject(env)).map(([k, v]) => [k, asString(v)]));
}

/** A service's dependencies with their conditions, from either form (list of names, or map). */
export function dependsOf(service: unknown): Map<string, string> {
  const deps = asObject(service).depends_on;
  if (Array.isArray(deps)) return new Map(deps.map((d) => [asString(d), 'service_started']));
  return new Map(Object.entries(asObject(deps)).map(([k, v]) => [k, asString(asObject(v).condition) || 'service_started']));
}

/** A command or healthcheck test as one line, whichever form it was written in. */
export function lineOf(value: unknown): string {
  return Array.isArray(value) ? value.map(asString).join(' ') : asString(value);
}

export interface Interpolated {
  readonly value: unknown;
  /** Each variable used, with the form it was used in: `:?` (required), `:-` (default), … or `` (plain). */
  readonly uses: ReadonlyMap<string, ReadonlySet<string>>;
  readonly problems: readonly string[];
}

const REFERENCE = /\$(?:(\$)|\{([^}]*)\}|([A-Za-z_][A-Za-z0-9_]*)|)/g;
const EXPRESSION = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([\s\S]*))?$/;

/**
 * Compose's interpolation of every string value: `$$` is a literal `$`; `${NAME}`, `${NAME:-default}`,
 * `${NAME:?message}` and the like read `vars`. Stricter than compose where compose is silent: a bare
 * `$name` (nginx's `$host` written without `$$`) and an unset variable without a default are problems.
 */
export function interpolate(value: unknown, vars: Readonly<Record<string, string>>, at = ''): Interpolated {
  const uses = new Map<string, Set<string>>();
  const problems: string[] = [];
  const one = (text: string, where: string): string =>
    text.replace(REFERENCE, (whole, dollar: string | undefined, braced: string | undefined, bare: string | undefined) => {
      if (dollar) return '$';
      if (bare) {
        problems.push(`${where}: "$${bare}" would be replaced by compose (write $$${bare} for a literal $)`);
        return '';
      }
      const m = braced === undefined ? null : EXPRESSION.exec(braced);
      if (!m) {
        problems.push(`${where}: "${whole}" is not a compose variable reference`);
        return '';
      }
      const [, name, op = '', arg = ''] = m as unknown as [string, string, string | undefined, string | undefined];
      if (!uses.has(name)) uses.set(name, new Set());
      uses.get(name)!.add(op);
      const set = Object.hasOwn(vars, name);
      const v = set ? (vars[name] as string) : '';
      const empty = !set || (op.startsWith(':') && v === '');
      if (op.endsWith('?')) {
        if (empty) problems.push(`${where}: required variable ${name} is not set (${arg})`);
        return v;
      }
      if (op.endsWith('-')) return empty ? arg : v;
      if (op.endsWith('+')) return empty ? '' : arg;
      if (!set) problems.push(`${where}: variable ${name} is not set and has no default`);
      return v;
    });
  const walk = (v: unknown, where: string): unknown => {
    if (typeof v === 'string') return one(v, where);
    if (Array.isArray(v)) return v.map((item, i) => walk(item, `${where}[${i}]`));
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, item]) => [k, walk(item, where ? `${where}.${k}` : k)]));
    return v;
  };
  return { value: walk(value, at), uses, problems };
}

/** Parses compose YAML: merge keys (`<<: *anchor`) resolved, duplicate keys refused, as compose does. */
export function parseComposeYaml(text: string): unknown {
  return parse(text, { merge: true, uniqueKeys: true });
}

/**
 * The Compose Specification schema as the dclint package ships it (a copy of compose-spec's
 * schema/compose-spec.json), so the check runs offline. Draft-07, ajv's default draft; its `$schema`
 * names the draft by an https address ajv does not know, so it is left out.
 */
export function composeSchemaValidator(): (doc: unknown) => string[] {
  const file = path.join(path.dirname(require.resolve('dclint/package.json')), 'schemas', 'compose.schema.json');
  const schema = JSON.parse(readFileSync(file, 'utf8')) as Json;
  delete schema.$schema;
  // strictTypes off: the upstream schema leaves "type" out beside some keywords, which is valid JSON Schema.
  const validate = new Ajv({ allErrors: true, strict: true, strictTypes: false }).compile(schema);
  return (doc) => (validate(doc) ? [] : (validate.errors ?? []).map(describeSchemaError));
}

function describeSchemaError(e: ErrorObject): string {
  const where = e.instancePath || '/';
  const extra = e.keyword === 'additionalProperties' ? ` "${String((e.params as { additionalProperty?: unknown }).additionalProperty)}"` : '';
  return `${where}: ${e.message ?? e.keyword}${extra}`;
}
