import path from 'node:path';
import { checkLegacySource, countRows, openLegacySource } from '../legacy-source';
import { seededLegacy, type LegacyFixture } from './kit';

/** What a call fails with, as text (driver errors may come from another realm under jest's workers). */
function failureOf(run: () => Promise<unknown>): Promise<string> {
  return run().then(
    () => 'succeeded',
    (err: unknown) => `${err instanceof Error ? err.name : typeof err}: ${String(err instanceof Error ? err.message : err)}`,
  );
}

describe('the legacy source: the monolith database, read only', () => {
  let legacy: LegacyFixture;
  beforeAll(async () => {
    legacy = await seededLegacy(5);
  });
  afterAll(() => legacy.cleanup());

  it('reads, and cannot write even when asked to', async () => {
    const source = openLegacySource(legacy.url);
    try {
      await checkLegacySource(source, 'PRD_MSTR');
      expect(await countRows(source, 'PRD_MSTR')).toBe(5);
      expect(await failureOf(() => source.db('PRD_MSTR').del())).toMatch(/readonly database/);
      expect(await countRows(source, 'PRD_MSTR')).toBe(5);
    } finally {
      await source.close();
    }
  });

  it('a missing file is one clear line, not an empty database', async () => {
    const source = openLegacySource(`sqlite:${path.join(legacy.dir, 'typo.sqlite')}`);
    try {
      expect(await failureOf(() => checkLegacySource(source, 'PRD_MSTR'))).toMatch(/^MovementError: cannot read legacy database sqlite:.*typo\.sqlite \(table PRD_MSTR\)/);
    } finally {
      await source.close();
    }
  });

  it.each([
    ['sqlite::memory:', /^invalid legacy database URL: expected sqlite:<path>$/],
    ['mysql://admin:hunter2@host', /^invalid legacy database URL: expected mysql:/],
    ['postgres://admin:hunter2@db/shop', /^unsupported legacy database URL "postgres:\/\/\*\*\*@db\/shop": expected sqlite:<path> or mysql:/],
  ])('refuses %s in one line that never shows a password', (url, message) => {
    expect(() => openLegacySource(url)).toThrow(message);
    expect(() => openLegacySource(url)).not.toThrow(/hunter2/);
  });
});
