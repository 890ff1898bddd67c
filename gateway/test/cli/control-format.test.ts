import { formatChange, formatHistory } from '../../src/cli/control-format';
import { parseMode, parsePercent, parseSince } from '../../src/cli/control-options';
import { UsageError } from '../../src/cli/options';
import { formatTable } from '../../src/cli/tables';
import type { AuditEntry } from '../../src/control/types';

const entry: AuditEntry = {
  id: 4,
  version: 4,
  at: '2024-05-01T12:00:00.123Z',
  actor: 'alice',
  via: 'cli --store',
  routeId: 'v2.products',
  action: 'rollback',
  from: { mode: 'new' },
  to: { mode: 'canary', percent: 5 },
  reason: 'errors\non new\u001b[31m',
  forced: false,
  undoes: 3,
};

describe('tables', () => {
  it('aligns columns two spaces apart, without trailing blanks', () => {
    expect(formatTable(['A', 'LONGER', 'C'], [['xxx', '', 'z'], ['y', 'b', '']])).toBe('A    LONGER  C\nxxx          z\ny    b\n');
  });

  it('keeps stored text from breaking rows or reaching the terminal as escapes', () => {
    const out = formatHistory([entry], undefined);
    expect(out.trimEnd().split('\n')).toHaveLength(2);
    expect(out).not.toContain('\u001b');
    expect(out).toMatch(/^4 +2024-05-01T12:00:00Z +alice +v2\.products +new → canary 5% +rollback of #3 +errors on new \[31m$/m);
  });

  it('says what a change did, rollbacks and forced moves marked', () => {
    expect(formatChange({ version: 4, entry })).toBe('v2.products: new → canary 5% (version 4, rollback of #3)\n');
    const forced: AuditEntry = { ...entry, action: 'flip', undoes: null, forced: true, from: { mode: 'legacy' }, to: { mode: 'new' } };
    expect(formatChange({ version: 5, entry: forced })).toBe('v2.products: legacy → new (version 5, forced)\n');
  });
});

describe('control options', () => {
  const now = new Date('2024-05-08T00:00:00Z');

  it.each([
    ['1h', '2024-05-07T23:00:00.000Z'],
    ['24h', '2024-05-07T00:00:00.000Z'],
    ['7d', '2024-05-01T00:00:00.000Z'],
    ['30m', '2024-05-07T23:30:00.000Z'],
    ['2024-05-01', '2024-05-01T00:00:00.000Z'],
    ['2024-05-01T12:30:00+02:00', '2024-05-01T10:30:00.000Z'],
  ])('--since %s', (value, iso) => {
    expect(parseSince(value, now).toISOString()).toBe(iso);
  });

  it.each(['yesterday', '1w', '2024-13-45', '', '-1h'])('--since %j is refused', (value) => {
    expect(() => parseSince(value, now)).toThrow(UsageError);
  });

  it('refuses a bad mode naming the valid ones, and a bad percentage', () => {
    expect(() => parseMode('sideways')).toThrow('valid modes are legacy, shadow, canary, new, retired');
    expect(parsePercent('12.5')).toBe(12.5);
    for (const bad of ['0', '100', '1.234', 'NaN', ' ', '1e400']) expect(() => parsePercent(bad)).toThrow(UsageError);
  });
});
