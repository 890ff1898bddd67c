import { readFileSync } from 'node:fs';
import path from 'node:path';
import { routesJsonSchema } from '../../src/config/json-schema';
import { loadRouteTableFile } from '../../src/config/load';
import { aclMappings } from '../../src/translate/acl-adapter';

const ROOT = path.resolve(__dirname, '../../..');

describe('published route table JSON Schema', () => {
  it('gateway/routes.schema.json is exactly what the zod schema generates (run `npx strangler routes schema --out gateway/routes.schema.json` after changing it)', () => {
    const committed = JSON.parse(readFileSync(path.join(ROOT, 'gateway/routes.schema.json'), 'utf8'));
    expect(committed).toEqual(routesJsonSchema());
  });

  it('routes.json points editors at it and loads cleanly', () => {
    const routes = JSON.parse(readFileSync(path.join(ROOT, 'routes.json'), 'utf8'));
    expect(routes.$schema).toBe('./gateway/routes.schema.json');
    const table = loadRouteTableFile(path.join(ROOT, 'routes.json'), { mappings: aclMappings() });
    expect(table.routes.map((r) => r.id)).toContain('catch-all');
  });

  it('describes modes, methods and limits so that editors can complete them', () => {
    const text = JSON.stringify(routesJsonSchema());
    for (const word of ['legacy', 'shadow', 'canary', 'retired', 'maxBodyBytes', 'trustedProxies', 'PATCH']) expect(text).toContain(word);
  });
});
