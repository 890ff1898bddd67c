import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { AclInputError, AclOutputError, createAcl, isAclError } from '../index';
import { ACL_ROOT, filesUnder, rejection } from './kit';

/** One fixture: a legacy (or client) input and either the expected output or how it is refused. */
const FixtureSchema = z
  .object({
    description: z.string().min(1),
    source: z.string().optional(),
    input: z.unknown(),
    now: z.iso.datetime(),
    expected: z.unknown().optional(),
    /** Page items a `drop` policy leaves out of `expected`: each row's key and the paths its schema refused. */
    dropped: z.array(z.object({ key: z.unknown(), paths: z.array(z.string()).min(1) }).strict()).optional(),
    refused: z.object({ code: z.string(), paths: z.array(z.string()).min(1) }).strict().optional(),
  })
  .strict()
  .refine((f) => (f.expected === undefined) !== (f.refused === undefined), 'exactly one of expected / refused')
  .refine((f) => f.dropped === undefined || f.expected !== undefined, 'dropped goes with expected');

const MIN_FIXTURES = 10;
const acl = createAcl();

/** `acl/<context>/fixtures/<mapping>/<case>.json` -> `<context>/<mapping>`. */
function mappingOf(file: string): string {
  const [context, fixtures, mapping] = path.relative(ACL_ROOT, file).split(path.sep);
  if (fixtures !== 'fixtures' || context === undefined || mapping === undefined) throw new Error(`misplaced fixture ${file}`);
  return `${context}/${mapping}`;
}

const files = filesUnder(ACL_ROOT, '.json').filter((f) => path.relative(ACL_ROOT, f).split(path.sep)[1] === 'fixtures');
const cases = files.map((file) => ({ file: path.relative(ACL_ROOT, file), mapping: mappingOf(file), fixture: FixtureSchema.parse(JSON.parse(readFileSync(file, 'utf8'))) }));

describe('fixture coverage', () => {
  it.each([...acl.names])('%s has at least ten fixtures', (name) => {
    expect(cases.filter((c) => c.mapping === name).length).toBeGreaterThanOrEqual(MIN_FIXTURES);
  });

  it('every fixture folder names a known mapping', () => {
    expect([...new Set(cases.map((c) => c.mapping))].filter((m) => !acl.names.includes(m))).toEqual([]);
  });
});

describe.each([...acl.names])('%s fixtures', (name) => {
  const mine = cases.filter((c) => c.mapping === name);
  it.each(mine.map((c) => [c.file, c] as const))('%s', async (_file, { fixture }) => {
    const evaluation = acl.load(name).translate(fixture.input, { now: new Date(fixture.now) });
    if (fixture.refused === undefined) {
      const { value, dropped } = await evaluation;
      expect(value).toStrictEqual(fixture.expected);
      expect(dropped.map((d) => ({ key: d.key, paths: d.paths }))).toEqual(fixture.dropped ?? []);
      return;
    }
    const err = await rejection(evaluation);
    if (!isAclError(err)) throw err;
    expect(err.code).toBe(fixture.refused.code);
    const issues = err instanceof AclOutputError || err instanceof AclInputError ? err.issues : [];
    expect(issues.map((i) => i.path).sort()).toEqual([...fixture.refused.paths].sort());
  });
});
