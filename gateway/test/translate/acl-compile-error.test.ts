import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createAcl } from '../../../acl';
import { compileRouteTable } from '../../src/config/load';
import { aclMappings } from '../../src/translate/acl-adapter';

const ACL = path.resolve(__dirname, '../../../acl');

/** A copy of the ACL's mapping files, with one of them replaced. */
function aclRootWith(context: string, file: string, text: string): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'strangler-acl-'));
  for (const ctx of ['catalog', 'orders']) {
    mkdirSync(path.join(root, ctx));
    for (const f of readdirSync(path.join(ACL, ctx)).filter((n) => n.endsWith('.jsonata'))) copyFileSync(path.join(ACL, ctx, f), path.join(root, ctx, f));
  }
  writeFileSync(path.join(root, context, file), text);
  return root;
}

describe('the real ACL behind the route table', () => {
  it('refuses a table whose mapping file does not compile, naming the route, the file and the jsonata error position', () => {
    const root = aclRootWith('catalog', 'product-read.jsonata', '{ "id": PRD_ID, "name": $trim(PRD_NM }');
    const table = {
      upstreams: { legacy: { url: 'http://127.0.0.1:1' } },
      routes: [
        { id: 'v2', path: '/v2/*', mode: 'legacy', legacy: { upstream: 'legacy', translate: { response: 'catalog/product-read' } } },
        { id: 'catch-all', path: '/*', mode: 'legacy', legacy: { upstream: 'legacy' } },
      ],
    };
    expect(() => compileRouteTable(table, 'test', { mappings: aclMappings(createAcl({ root })) })).toThrow(
      /routes\[0\]\.legacy\.translate\.response: .*product-read\.jsonata: position \d+: S0\d{3}/,
    );
  });

  it('refuses a mapping name the ACL does not know, listing the known ones', () => {
    const table = {
      upstreams: { legacy: { url: 'http://127.0.0.1:1' } },
      routes: [{ id: 'catch-all', path: '/*', mode: 'legacy', legacy: { upstream: 'legacy', translate: { response: 'catalog/nothing' } } }],
    };
    expect(() => compileRouteTable(table, 'test', { mappings: aclMappings() })).toThrow(/catalog\/nothing.*catalog\/product-read/s);
  });
});
