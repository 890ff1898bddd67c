import { AclCompileError, AclUnknownMappingError, createAcl } from '../index';
import { tempRoot } from './kit';

describe('loading mappings', () => {
  // jsonata reports the offset just past the offending token.
  it('refuses a file that does not parse, naming mapping, file, position and jsonata code', () => {
    const root = tempRoot({ 'catalog/product-read.jsonata': '{ "id": $f(PRD_ID ] }' });
    let caught: unknown;
    try {
      createAcl({ root }).load('catalog/product-read');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(AclCompileError);
    const err = caught as AclCompileError;
    expect(err).toMatchObject({ code: 'AclCompileError', mapping: 'catalog/product-read', file: 'catalog/product-read.jsonata' });
    expect(err.location).toEqual({ jsonataCode: 'S0202', position: 19 });
    expect(err.message).toBe('catalog/product-read.jsonata: position 19: S0202 Expected ")", got "]"');
  });

  it('refuses a missing file at load', () => {
    expect(() => createAcl({ root: tempRoot({}) }).load('orders/order-read')).toThrow(AclCompileError);
  });

  it('names the known mappings when asked for an unknown one', () => {
    expect(() => createAcl().load('catalog/nope')).toThrow(AclUnknownMappingError);
    expect(() => createAcl().load('catalog/nope')).toThrow(
      'unknown ACL mapping "catalog/nope"; known mappings: catalog/product-read, orders/order-read, orders/create-to-legacy',
    );
  });

  it('compiles once and hands back the same mapping', () => {
    const acl = createAcl();
    expect(acl.load('orders/order-read')).toBe(acl.load('orders/order-read'));
    expect(acl.loadAll().map((m) => m.name)).toEqual(acl.names);
  });
});
