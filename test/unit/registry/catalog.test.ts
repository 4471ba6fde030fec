import assert from 'node:assert/strict';
import { ResourceCatalog } from '../../../src/registry/catalog.js';
import type { ResourceDefinition } from '../../../src/registry/definition.js';

const def = (group: string, plural: string, versions: string[], kind = 'Widget'): ResourceDefinition =>
  ({ group, plural, kind, versions, version: versions[0] }) as unknown as ResourceDefinition;

describe('ResourceCatalog', () => {
  it('finds a resource by group and plural whatever the version, follows replacement and removal', () => {
    const catalog = new ResourceCatalog();
    const v1 = def('example.com', 'widgets', ['v1']);
    catalog.add(v1);
    catalog.add(def('', 'widgets', ['v1'], 'CoreWidget'));
    assert.equal(catalog.byResource('example.com', 'widgets'), v1);
    assert.equal(catalog.byResource('example.com', 'gadgets'), undefined);
    assert.equal(catalog.byResource('', 'widgets')?.kind, 'CoreWidget');
    const v2 = def('example.com', 'widgets', ['v2', 'v1']);
    catalog.add(v2);
    assert.equal(catalog.byResource('example.com', 'widgets'), v2);
    assert.equal(catalog.lookup('example.com', 'v2', 'widgets'), v2);
    assert.equal(catalog.all().filter((d) => d.plural === 'widgets').length, 2);
    catalog.remove('example.com', 'widgets');
    assert.equal(catalog.byResource('example.com', 'widgets'), undefined);
    assert.equal(catalog.lookup('example.com', 'v1', 'widgets'), undefined);
    assert.equal(catalog.byResource('', 'widgets')?.kind, 'CoreWidget');
  });
});
