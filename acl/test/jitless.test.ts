import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createAcl } from '../index';
import { ACL_ROOT, filesUnder, rejection } from './kit';

/** `jitless`: no generated code; the closure compiler and zod answer exactly what the default answers. */
describe('a jitless ACL', () => {
  const jitless = createAcl({ jitless: true });
  const generated = createAcl();

  it('runs every shipped mapping on the closure compiler; the default generates code', () => {
    for (const name of jitless.names) {
      expect([name, jitless.load(name).engine]).toEqual([name, 'closures']);
      expect([name, generated.load(name).engine]).toEqual([name, 'generated']);
    }
  });

  it('answers (or refuses, with the same issues) every fixture as the default does', async () => {
    const fixtures = filesUnder(ACL_ROOT, '.json').filter((f) => path.relative(ACL_ROOT, f).split(path.sep)[1] === 'fixtures');
    expect(fixtures.length).toBeGreaterThan(50);
    for (const file of fixtures) {
      const [context, , mapping] = path.relative(ACL_ROOT, file).split(path.sep);
      const name = `${context}/${mapping}`;
      const { input, now } = JSON.parse(readFileSync(file, 'utf8')) as { input: unknown; now: string };
      const run = (acl: typeof jitless) => acl.load(name).translate(structuredClone(input), { now: new Date(now) }).then((t) => ({ t }), (e: unknown) => rejection(Promise.reject(e)).then((err) => ({ err })));
      const [a, b] = [await run(jitless), await run(generated)];
      expect([file, a]).toEqual([file, b]);
    }
  });
});
