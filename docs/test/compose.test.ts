import { readFileSync } from 'node:fs';
import path from 'node:path';
import { trustedProxiesFrom, upstreamUrlsFrom } from '../../gateway/src/cli/options';
import { clientAddress } from '../../gateway/src/routing/client-address';
import { loadRouteTableFile } from '../../gateway/src/config/load';
import { aclMappings } from '../../gateway/src/translate/acl-adapter';
import { commandsOf } from './commands';
import { checkBalancer, checkDatabases, checkDependencies, checkImage, checkParts, checkReplicas, checkScaledPart, checkServiceUrl, checkTopLevel, configAt, type Part, type Stack } from './compose-checks';
import { asObject, composeSchemaValidator, envOf, interpolate, parseComposeYaml, type Json } from './compose-kit';

/**
 * docker-compose.yml is never started here (no Docker in CI), so it is proven the other way: the
 * Compose Specification schema, then the agreements a schema cannot see, each shown to refuse a
 * broken copy of the file.
 */

const ROOT = path.resolve(__dirname, '../..');
const FILE = path.join(ROOT, 'docker-compose.yml');
const text = readFileSync(FILE, 'utf8');

const PARTS: readonly Part[] = [
  { name: 'legacy monolith', services: ['legacy'], entry: 'legacy-monolith/src/main.ts', reads: ['legacy-monolith/src/main.ts'], hostEnv: 'LEGACY_HOST', portEnv: 'LEGACY_PORT', databaseEnv: 'LEGACY_DATABASE_URL', healthPath: '/health' },
  { name: 'catalog service', services: ['catalog'], entry: 'new-services/catalog/src/main.ts', reads: ['new-services/catalog/src/main.ts'], hostEnv: 'CATALOG_HOST', portEnv: 'CATALOG_PORT', databaseEnv: 'CATALOG_DATABASE_URL', healthPath: '/health' },
  { name: 'orders service', services: ['orders'], entry: 'new-services/orders/src/main.ts', reads: ['new-services/orders/src/main.ts'], hostEnv: 'ORDERS_HOST', portEnv: 'ORDERS_PORT', databaseEnv: 'ORDERS_DATABASE_URL', healthPath: '/health' },
  { name: 'inventory service', services: ['inventory'], entry: 'new-services/inventory/src/main.ts', reads: ['new-services/inventory/src/main.ts'], hostEnv: 'INVENTORY_HOST', portEnv: 'INVENTORY_PORT', databaseEnv: 'INVENTORY_DATABASE_URL', healthPath: '/health' },
  {
    name: 'gateway',
    services: ['gateway-1', 'gateway-2'],
    entry: 'bin/strangler.js',
    reads: ['gateway/src/cli/gateway-command.ts', 'gateway/src/cli/options.ts'],
    hostEnv: 'GATEWAY_HOST',
    portEnv: 'GATEWAY_PORT',
    databaseEnv: 'STRANGLER_STATE_URL',
    healthPath: '/readyz',
  },
];
const GATEWAY = PARTS[4] as Part;
/** What the image must hold to run every part: the entries and what they import. */
const RUNTIME = ['bin', 'platform', 'acl', 'gateway', 'legacy-monolith', 'new-services', 'routes.json', 'package.json', 'package-lock.json'];
const SECRETS = ['STRANGLER_ADMIN_TOKEN', 'STRANGLER_CATALOG_DB_PASSWORD', 'STRANGLER_GATEWAY_DB_PASSWORD', 'STRANGLER_INVENTORY_DB_PASSWORD', 'STRANGLER_LEGACY_DB_PASSWORD', 'STRANGLER_ORDERS_DB_PASSWORD'];
/** A value per secret that says where it came from, and is safe in a URL and in SQL. */
const VARS = Object.fromEntries(SECRETS.map((name) => [name, `secret-${name.toLowerCase().replace(/_/g, '-')}`]));
const STACK: Stack = { root: ROOT, parts: PARTS, secretValues: new Set(Object.values(VARS)) };

const raw = parseComposeYaml(text);
const { value: doc, problems: interpolationProblems, uses } = interpolate(raw, VARS);
const services = (d: unknown): Json => asObject(asObject(d).services);
const validate = composeSchemaValidator();
const table = loadRouteTableFile(path.join(ROOT, 'routes.json'), { upstreamUrls: upstreamUrlsFrom([], envOf(services(doc)['gateway-1'])), mappings: aclMappings() });
const initSql = (d: unknown): string | null => configAt(d, 'mysql', /^\/docker-entrypoint-initdb\.d\/.+\.sql$/);

/** Every semantic check over one (interpolated) document. */
function semanticProblems(d: unknown): string[] {
  return [
    ...checkTopLevel(d),
    ...checkDependencies(d),
    ...checkParts(d, STACK),
    ...checkDatabases(d, STACK, initSql(d)),
    ...checkReplicas(d, GATEWAY, STACK.secretValues),
    ...checkBalancer(d, 'lb', GATEWAY, table.limits.maxBodyBytes),
    ...checkImage(d, PARTS, RUNTIME),
  ];
}

/** A deep copy of the interpolated document, changed by `edit`. */
function broken(edit: (d: Json) => void): Json {
  const copy = structuredClone(doc) as Json;
  edit(copy);
  return copy;
}
const service = (d: Json, name: string): Json => asObject(asObject(d.services)[name]);

describe('docker-compose.yml', () => {
  it('interpolates cleanly: secrets are required variables, and every literal $ is written $$', () => {
    expect(interpolationProblems).toEqual([]);
    expect([...uses.keys()].sort()).toEqual(SECRETS);
    for (const [name, forms] of uses) expect([name, [...forms]]).toEqual([name, [':?']]);
  });

  it('is a valid Compose Specification document', () => {
    expect(validate(doc)).toEqual([]);
  });

  it('holds every agreement between the services and the code they run', () => {
    expect(semanticProblems(doc)).toEqual([]);
  });

  it('points routes.json\'s upstreams at the compose services, through the gateway\'s own override checks', () => {
    const env = envOf(services(doc)['gateway-1']);
    const overrides = upstreamUrlsFrom([], env);
    expect(Object.keys(overrides).sort()).toEqual([...table.upstreams.keys()].sort());
    expect(Object.fromEntries([...table.upstreams].map(([name, u]) => [name, u.discover?.dns ?? u.instances[0]?.origin.hostname]))).toEqual({ monolith: 'legacy', catalog: 'catalog', orders: 'orders', inventory: 'inventory' });
    for (const [name, url] of Object.entries(overrides)) expect(checkServiceUrl(doc, `gateway ${name}`, url, PARTS)).toEqual([]);
    expect(checkServiceUrl(doc, 'orders ORDERS_CATALOG_URL', envOf(services(doc).orders).ORDERS_CATALOG_URL ?? '', PARTS)).toEqual([]);
    expect(checkServiceUrl(doc, 'orders ORDERS_INVENTORY_URL', envOf(services(doc).orders).ORDERS_INVENTORY_URL ?? '', PARTS)).toEqual([]);
  });

  it('runs two catalog replicas, which the gateways find by DNS through the compose service name', () => {
    expect(checkScaledPart(doc, 'catalog', 2)).toEqual([]);
    const catalog = table.upstreams.get('catalog')!;
    expect(catalog.discover).toEqual(expect.objectContaining({ dns: 'catalog', port: Number(envOf(services(doc).catalog).CATALOG_PORT) }));
  });

  it('makes both replicas trust the balancer\'s fixed address, so clients keep their own address behind it', () => {
    const address = asObject(asObject(asObject(services(doc).lb).networks).default).ipv4_address;
    const ipam = asObject(asObject(asObject(asObject(doc).networks).default).ipam);
    const subnet = String(asObject((ipam.config as unknown[] | undefined)?.[0]).subnet ?? '');
    expect(typeof address).toBe('string');
    expect(String(address).split('.').slice(0, 3).join('.')).toBe(subnet.split('.').slice(0, 3).join('.'));
    for (const name of GATEWAY.services) {
      const trusted = trustedProxiesFrom([], envOf(services(doc)[name]));
      expect(trusted).toEqual([address]);
      // Through the gateway's own loader and client-address walk: the balancer's X-Forwarded-For is believed.
      const t = loadRouteTableFile(path.join(ROOT, 'routes.json'), { upstreamUrls: upstreamUrlsFrom([], envOf(services(doc)[name])), trustedProxies: trusted, mappings: aclMappings() });
      expect(clientAddress(String(address), '203.0.113.7', t.trustedProxies).clientIp).toBe('203.0.113.7');
    }
  });

  it('gives both replicas the same state store, so a flip through one is served by the other', () => {
    const urls = GATEWAY.services.map((name) => envOf(services(doc)[name]).STRANGLER_STATE_URL);
    expect(new Set(urls).size).toBe(1);
    expect(urls[0]).toMatch(/^mysql:\/\//);
  });
});

describe('docker-compose.yml checks refuse a broken file', () => {
  it('a misspelt key (schema)', () => {
    const bad = broken((d) => {
      const legacy = service(d, 'legacy');
      legacy.healthchek = legacy.healthcheck;
      delete legacy.healthcheck;
    });
    expect(validate(bad)).toContain('/services/legacy: must NOT have additional properties "healthchek"');
  });

  it('a wrong type and an unknown depends_on condition (schema)', () => {
    const bad = broken((d) => {
      service(d, 'orders').depends_on = { catalog: { condition: 'service_ready' } };
      service(d, 'lb').ports = '127.0.0.1:8080:8080';
    });
    expect(validate(bad)).toEqual(expect.arrayContaining(['/services/orders/depends_on: must match exactly one schema in oneOf', '/services/lb/ports: must be array']));
  });

  it('the obsolete version key, a depends_on naming a missing service, and a cycle', () => {
    const bad = broken((d) => {
      d.version = '3.8';
      service(d, 'orders').depends_on = { mysqll: { condition: 'service_healthy' } };
      service(d, 'mysql').depends_on = { legacy: { condition: 'service_started' } };
    });
    expect(semanticProblems(bad)).toEqual(
      expect.arrayContaining(['version: obsolete in the Compose Specification; leave it out', 'services.orders.depends_on: "mysqll" is not a service', 'depends_on: cycle mysql → legacy → mysql']),
    );
  });

  it('two parts sharing one database, and a user granted more than its own', () => {
    const bad = broken((d) => {
      asObject(service(d, 'catalog').environment).CATALOG_DATABASE_URL = `mysql://legacy:${VARS.STRANGLER_LEGACY_DB_PASSWORD}@mysql:3306/legacy`;
    });
    expect(semanticProblems(bad)).toEqual(expect.arrayContaining(['database "legacy" is shared by legacy monolith and catalog service', 'database user "legacy" is shared by legacy monolith and catalog service']));
    const granted = broken((d) => {
      const databases = asObject(asObject(d.configs).databases);
      databases.content = `${String(databases.content)}GRANT SELECT ON legacy.* TO 'orders'@'%';\n`;
    });
    expect(semanticProblems(granted)).toEqual(["services.orders: user \"orders\" must be granted orders.* and nothing else (has orders.*, legacy.*)"]);
  });

  it('a literal password, and replicas on different state stores', () => {
    const bad = broken((d) => {
      asObject(service(d, 'gateway-2').environment).STRANGLER_STATE_URL = 'mysql://gateway:hunter2@mysql:3306/gateway_state';
    });
    expect(semanticProblems(bad)).toEqual(
      expect.arrayContaining(['services.gateway-2: database password is not taken from a required variable', 'services.gateway-2: differs from gateway-1 in more than its replica name and ports']),
    );
  });

  it('a healthcheck on the wrong port, a variable the code never reads, and a part listening on loopback only', () => {
    const bad = broken((d) => {
      const env = asObject(service(d, 'catalog').environment);
      env.CATALOG_PORT = '4011';
      env.CATALOG_DATABSE_URL = env.CATALOG_DATABASE_URL;
      asObject(service(d, 'orders').environment).ORDERS_HOST = '127.0.0.1';
    });
    expect(semanticProblems(bad)).toEqual(
      expect.arrayContaining([
        'services.catalog.healthcheck: must probe http://127.0.0.1:4011/health (CATALOG_PORT=4011)',
        'services.catalog.environment.CATALOG_DATABSE_URL: not read by new-services/catalog/src/main.ts',
        'services.orders.environment.ORDERS_HOST: must be 0.0.0.0 to be reachable from other containers',
      ]),
    );
    expect(checkServiceUrl(bad, 'orders ORDERS_CATALOG_URL', 'http://catalog:4001', PARTS)).toEqual(["orders ORDERS_CATALOG_URL: port 4001 is not catalog's CATALOG_PORT=4011"]);
  });

  it('a catalog back to one replica, or pinned to a container name', () => {
    const one = broken((d) => {
      service(d, 'catalog').deploy = { replicas: 1 };
    });
    expect(checkScaledPart(one, 'catalog', 2)).toEqual(['services.catalog.deploy.replicas: runs 1, needs at least 2']);
    const named = broken((d) => {
      service(d, 'catalog').container_name = 'catalog';
    });
    expect(checkScaledPart(named, 'catalog', 2)).toEqual(['services.catalog: a container_name or a host port would stop it from scaling']);
  });

  it('a load balancer that leaves a replica out', () => {
    const bad = broken((d) => {
      const lb = asObject(asObject(d.configs).lb);
      lb.content = String(lb.content).replace(/^.*server gateway-2:8080.*\n/m, '');
    });
    expect(semanticProblems(bad)).toEqual(['configs.lb: balances gateway-1:8080, not the replicas gateway-1:8080, gateway-2:8080']);
  });

  it('an nginx variable written without $$, and a required secret left unset', () => {
    expect(interpolate(parseComposeYaml(text.replace('$$http_host', '$http_host')), VARS).problems).toEqual([
      'configs.lb.content: "$http_host" would be replaced by compose (write $$http_host for a literal $)',
    ]);
    const { STRANGLER_ADMIN_TOKEN: _unset, ...rest } = VARS;
    expect(interpolate(raw, rest).problems).toEqual([
      expect.stringMatching(/^x-gateway-env\.STRANGLER_ADMIN_TOKEN: required variable STRANGLER_ADMIN_TOKEN is not set/),
      expect.stringMatching(/^services\.gateway-1\.environment\.STRANGLER_ADMIN_TOKEN: required variable/),
      expect.stringMatching(/^services\.gateway-2\.environment\.STRANGLER_ADMIN_TOKEN: required variable/),
    ]);
  });
});

describe('README.md on Docker Compose', () => {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Running on MySQL with Docker Compose'), readme.indexOf('\n## ', readme.indexOf('## Running on MySQL with Docker Compose') + 1));

  it('shows docker compose up, names every secret, and keeps the commands out of the README runner', () => {
    expect(section).toMatch(/```bash\n[\s\S]*docker compose up[\s\S]*```/);
    for (const name of SECRETS) expect(section).toContain(name);
    // docs/test/readme.test.ts runs ```sh blocks only, and Docker does not run in CI.
    expect(commandsOf(path.join(ROOT, 'README.md')).filter((c) => /\bdocker\b/.test(c.command))).toEqual([]);
  });
});
