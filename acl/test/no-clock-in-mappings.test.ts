import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ACL_ROOT, filesUnder } from './kit';

/** The request time comes in as the $now binding; a mapping that calls the clock is not repeatable. */
describe('mappings never read the clock', () => {
  const files = filesUnder(ACL_ROOT, '.jsonata');

  it('finds the shipped mappings', () => {
    expect(files.length).toBeGreaterThanOrEqual(3);
  });

  it.each(files.map((f) => [path.relative(ACL_ROOT, f)]))('%s calls neither $now() nor $millis()', (file) => {
    const source = readFileSync(path.join(ACL_ROOT, file), 'utf8');
    expect(source).not.toMatch(/\$(now|millis)\s*\(/);
  });
});
