import { isRealDate } from '../src/contract';

/**
 * The contracts' "must be a real date" is `!Number.isNaN(Date.parse(text))`; isRealDate answers
 * it without Date.parse for instants that are real in every calendar. These hold it to Date.parse:
 * every month and day of that shortcut over many years, every time of day, and strings one
 * character away from an instant (the shortcut must never say "real" where Date.parse says no).
 */
const parses = (text: string): boolean => !Number.isNaN(Date.parse(text));
const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** A small LCG: the same strings every run. */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0);
}

describe('isRealDate', () => {
  it('answers what Date.parse answers for every month, every day 01-31 and 00, 32, across years', () => {
    const next = lcg(7);
    const years = [0, 1, 4, 100, 400, 1582, 1900, 1970, 2000, 2023, 2024, 2100, 9999, ...Array.from({ length: 40 }, () => next() % 10000)];
    const wrong: string[] = [];
    for (const year of years) {
      for (let month = 0; month <= 13; month++) {
        for (let day = 0; day <= 32; day++) {
          for (const tail of ['Z', '.000Z', '.999Z']) {
            const text = `${pad(year, 4)}-${pad(month)}-${pad(day)}T12:34:56${tail}`;
            if (isRealDate(text) !== parses(text)) wrong.push(text);
          }
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it('answers what Date.parse answers for every time of day, and hours, minutes and seconds out of range', () => {
    const wrong: string[] = [];
    for (let hour = 0; hour <= 25; hour++) {
      for (let minute = 0; minute <= 61; minute++) {
        for (let second = 0; second <= 61; second++) {
          const text = `2024-02-28T${pad(hour)}:${pad(minute)}:${pad(second)}Z`;
          if (isRealDate(text) !== parses(text)) wrong.push(text);
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it('answers what Date.parse answers for instants with one character changed, dropped or added', () => {
    const next = lcg(16);
    const alphabet = '0123456789-:.TZtz +/ \u0660x';
    const wrong: string[] = [];
    let plain = 0;
    for (let i = 0; i < 40_000; i++) {
      const base = `${pad(next() % 10000, 4)}-${pad(1 + (next() % 12))}-${pad(1 + (next() % 28))}T${pad(next() % 24)}:${pad(next() % 60)}:${pad(next() % 60)}${next() % 2 ? '' : `.${pad(next() % 1000, 3)}`}Z`;
      const at = next() % (base.length + 1);
      const c = alphabet[next() % alphabet.length] as string;
      const kind = next() % 3;
      const text = kind === 0 ? base.slice(0, at) + c + base.slice(at + 1) : kind === 1 ? base.slice(0, at) + base.slice(at + 1) : base.slice(0, at) + c + base.slice(at);
      if (isRealDate(text) !== parses(text)) wrong.push(text);
      if (isRealDate(base) !== true || !parses(base)) wrong.push(base);
      if (text.length === base.length) plain += 1;
    }
    expect(wrong).toEqual([]);
    expect(plain).toBeGreaterThan(10_000);
  });
});
