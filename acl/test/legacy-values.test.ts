import fc from 'fast-check';
import jsonata from 'jsonata';
import { LEGACY_BINDINGS, legacyBusinessDate, legacyCents, legacyCode, legacyDate, legacyDecimal, legacyInstant, legacyMoney, legacyTimestamp, legacyTrim } from '../src/legacy-values';

describe('legacyCents / legacyMoney (DECIMAL(12,2) as the monolith writes it)', () => {
  it.each([
    ['271.33', 27133],
    ['0.07', 7],
    ['00.07', 7],
    ['12.50', 1250],
    ['0.00', 0],
    ['9999999999.99', 999999999999],
  ])('%j -> %j cents', (decimal, cents) => {
    expect(legacyCents(decimal)).toBe(cents);
  });

  it.each([
    ['12.5'], ['12'], ['-1.00'], ['+1.00'], ['abc'], ['1,000.00'], ['12,50'], ['12.345'], ['12.'], ['.50'], [''], [' 12.50'],
    ['12.50 '], ['12.50\n'], ['99999999999.99'], ['1e3.00'], ['١٢.٥٠'], [12.5], [12], [0], [null], [undefined], [true], [['12.50']], [{}],
  ])('%j -> null', (decimal) => {
    expect(legacyCents(decimal)).toBeNull();
  });

  it('keeps the currency it is given next to the amount, refused or not', () => {
    expect(legacyMoney('271.33', 'EUR')).toEqual({ amount: 27133, currency: 'EUR' });
    expect(legacyMoney('12,50', 'EUR')).toEqual({ amount: null, currency: 'EUR' });
    expect(legacyMoney(null, 'EUR')).toEqual({ amount: null, currency: 'EUR' });
  });
});

describe('legacyInstant (YYYYMMDDHHMMSS, UTC)', () => {
  it.each([
    ['20200927010726', '2020-09-27T01:07:26Z'],
    ['20200229235959', '2020-02-29T23:59:59Z'],
    ['20000229000000', '2000-02-29T00:00:00Z'],
    ['20210131000000', '2021-01-31T00:00:00Z'],
    ['20210430120000', '2021-04-30T12:00:00Z'],
    ['20211231235959', '2021-12-31T23:59:59Z'],
    ['00000101000000', '0000-01-01T00:00:00Z'],
    ['00040229000000', '0004-02-29T00:00:00Z'],
  ])('%j -> %j', (ts, iso) => {
    expect(legacyInstant(ts)).toBe(iso);
  });

  it.each([
    ['20210230000000', 'February 30'],
    ['20210229000000', 'February 29 of a common year'],
    ['19000229000000', 'February 29 of 1900'],
    ['20210431000000', 'April 31'],
    ['20211301000000', 'month 13'],
    ['20210001000000', 'month 00'],
    ['20210100000000', 'day 00'],
    ['20210132000000', 'day 32'],
    ['20210101240000', 'hour 24'],
    ['20210101006000', 'minute 60'],
    ['20210101000060', 'second 60'],
    ['2021010100000', 'too short'],
    ['202101010000000', 'too long'],
    ['2021-01-01T00:00:00Z', 'already ISO'],
    ['', 'empty'],
    [20200927010726, 'a number'],
    [null, 'null'],
    [undefined, 'missing'],
  ] as [unknown, string][])('%j (%s) -> null', (ts) => {
    expect(legacyInstant(ts)).toBeNull();
  });
});

describe('legacyDate (YYYYMMDD business date, UTC)', () => {
  it.each([
    ['20170205', '2017-02-05T00:00:00Z'],
    ['20200229', '2020-02-29T00:00:00Z'],
  ])('%j -> %j', (date, iso) => {
    expect(legacyDate(date)).toBe(iso);
  });

  it.each([['20210230'], ['20211301'], ['20210100'], ['2017020'], ['201702051'], ['20170205000000'], ['2017-02-05'], [20170205], [null], [undefined]])(
    '%j -> null',
    (date) => {
      expect(legacyDate(date)).toBeNull();
    },
  );
});

describe('legacyTimestamp (a contract instant back to YYYYMMDDHHMMSS)', () => {
  it.each([
    ['2024-01-02T03:04:05Z', '20240102030405'],
    ['2024-01-02T03:04:05.999Z', '20240102030405'],
    ['2024-02-29T23:59:59Z', '20240229235959'],
    ['2023-02-29T00:00:00Z', null],
    ['2024-13-01T00:00:00Z', null],
    ['2024-01-02T24:00:00Z', null],
    ['2024-01-02 03:04:05Z', null],
    ['2024-01-02T03:04:05+01:00', null],
    ['20240102030405', null],
    [null, null],
    [20240102, null],
  ])('%j → %j', (input, expected) => {
    expect(legacyTimestamp(input)).toBe(expected);
  });

  it('round-trips with legacyInstant', () => {
    for (const stamp of ['20170224175222', '19991231235959', '20000229000000']) expect(legacyTimestamp(legacyInstant(stamp))).toBe(stamp);
  });
});

describe('legacyDecimal (contract money back to DECIMAL(12,2))', () => {
  it.each([
    [169736, '1697.36'], [7, '0.07'], [50, '0.50'], [100, '1.00'], [0, '0.00'], [999999999999, '9999999999.99'],
  ])('%j cents -> %j', (amount, decimal) => {
    expect(legacyDecimal({ amount, currency: 'EUR' }, 'EUR')).toBe(decimal);
  });

  it('round-trips with legacyCents', () => {
    for (const decimal of ['271.33', '0.07', '12.50', '9999999999.99']) expect(legacyDecimal({ amount: legacyCents(decimal), currency: 'EUR' }, 'EUR')).toBe(decimal);
  });

  it.each([
    [{ amount: -1, currency: 'EUR' }], [{ amount: 12.5, currency: 'EUR' }], [{ amount: 1e12, currency: 'EUR' }], [{ amount: '100', currency: 'EUR' }],
    [{ amount: 100, currency: 'USD' }], [{ amount: 100 }], [{ currency: 'EUR' }], [100], [null], [undefined], ['1.00'],
  ])('%j -> null', (money) => {
    expect(legacyDecimal(money, 'EUR')).toBeNull();
  });
});

describe('legacyBusinessDate (a contract instant back to its UTC day, YYYYMMDD)', () => {
  it.each([
    ['2024-05-06T23:59:59Z', '20240506'], ['2024-05-06T00:00:00.000Z', '20240506'], ['2023-02-29T00:00:00Z', null], ['20240506', null], [null, null],
  ])('%j -> %j', (input, expected) => {
    expect(legacyBusinessDate(input)).toBe(expected);
  });
});

describe('legacyCode (case-insensitive CHAR(1) codes)', () => {
  const statuses = { A: 'active', D: 'discontinued', H: 'discontinued' };

  it.each([
    ['A', 'active'], ['a', 'active'], ['D', 'discontinued'], ['h', 'discontinued'],
  ])('%j -> %j', (code, value) => {
    expect(legacyCode(statuses, code)).toBe(value);
  });

  it.each([['Z'], [''], [' A'], ['AA'], ['constructor'], ['__proto__'], ['toString'], [1], [null], [undefined], [['A']]])('%j -> null', (code) => {
    expect(legacyCode(statuses, code)).toBeNull();
  });

  it('answers null when the table is not a table', () => {
    expect(legacyCode(null, 'A')).toBeNull();
    expect(legacyCode(undefined, 'A')).toBeNull();
    expect(legacyCode('A', 'A')).toBeNull();
  });
});

describe('legacyTrim (blanks at both ends only)', () => {
  it('strips exactly the characters the regex rule /^\\s+|\\s+$/g strips, over every BMP code point', () => {
    const differing: number[] = [];
    for (let c = 0; c <= 0xffff; c++) {
      const ch = String.fromCharCode(c);
      const text = `${ch}${ch}a${ch}b${ch}${ch}`;
      if (legacyTrim(text) !== text.replace(/^\s+|\s+$/g, '')) differing.push(c);
    }
    expect(differing).toEqual([]);
  });

  it.each([
    ['Steel Bolt 20mm', 'Steel Bolt 20mm'],
    ['  Brass  Hinge   ', 'Brass  Hinge'],
    ['\t\n Oak Shelf \r\n', 'Oak Shelf'],
    ['\u00a0Zinc\u3000', 'Zinc'],
    ['   ', ''],
    ['', ''],
  ])('%j -> %j', (text, trimmed) => {
    expect(legacyTrim(text)).toBe(trimmed);
  });

  it.each([[null], [undefined], [12], [['a']]])('%j -> null', (text) => {
    expect(legacyTrim(text)).toBeNull();
  });
});

/**
 * The helpers replaced these jsonata rules (as the mappings first wrote them); on every input below,
 * the helper, called from jsonata, answers exactly what the rule answered.
 */
describe('the helpers answer what the jsonata rules they replaced answered', () => {
  const rules = `
    $cents := function($price) {
      $type($price) = "string"
        ? ($digits := $replace($price, /^([0-9]{1,10})\\.([0-9]{2})$/, "$1$2"); $digits != $price ? $number($digits) : null)
        : null
    };
    $instant := function($ts) {
      $type($ts) = "string"
        ? (
            $iso := $replace($ts, /^([0-9]{4})(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])([01][0-9]|2[0-3])([0-5][0-9])([0-5][0-9])$/, "$1-$2-$3T$4:$5:$6Z");
            $iso != $ts and ($substring($ts, 6, 2) <= "28" or $fromMillis($toMillis($iso)) = $substring($iso, 0, 19) & ".000Z") ? $iso : null
          )
        : null
    };
    $status := function($code) {
      $type($code) = "string" ? ($s := $lookup({"A": "active", "D": "discontinued", "H": "discontinued"}, $uppercase($code)); $exists($s) ? $s : null) : null
    };
    $trim := function($nm) { $type($nm) = "string" ? $replace($nm, /^\\s+|\\s+$/, "") : null };
  `;
  const compare = jsonata(`(
    ${rules}
    {
      "rule": {
        "cents": $cents(v), "instant": $instant(v), "status": $status(v), "trim": $trim(v),
        "date": $type(v) = "string" and $length(v) = 8 ? $instant(v & "000000") : null
      },
      "helper": {
        "cents": $legacyMoney(v, "EUR").amount, "instant": $legacyInstant(v), "status": $legacyCode({"A": "active", "D": "discontinued", "H": "discontinued"}, v),
        "trim": $legacyTrim(v), "date": $legacyDate(v)
      }
    }
  )`);
  for (const [name, helper] of Object.entries(LEGACY_BINDINGS)) compare.assign(name, helper);

  /** A deterministic spread of near-misses: random digit strings of the timestamp, date and money shapes. */
  function samples(): unknown[] {
    let seed = 12345;
    const next = (n: number): number => {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      return seed % n;
    };
    const digits = (n: number): string => Array.from({ length: n }, () => String(next(10))).join('');
    const pad = (n: number): string => String(n).padStart(2, '0');
    const out: unknown[] = [];
    for (let i = 0; i < 400; i++) {
      const year = String(next(3) === 0 ? next(10000) : 1900 + next(200)).padStart(4, '0');
      const ts = `${year}${pad(next(14))}${pad(next(33))}${pad(next(25))}${pad(next(61))}${pad(next(61))}`;
      out.push(ts, ts.slice(0, 8), `${digits(1 + next(12))}.${digits(next(4))}`, digits(next(16)));
    }
    return out;
  }
  const edge: unknown[] = [
    '12.5', '12', '-1.00', 'abc', '1,000.00', '12,50', '12.345', '0.07', '271.33', '9999999999.99', '99999999999.99',
    '20210230000000', '20200229000000', '19000229000000', '00000229000000', '00010229000000', '20210101240000', '20211301000000',
    '20210431000000', '20210531235959', '20170205', '20210230', '2021-01-01T00:00:00Z',
    'A', 'a', 'd', 'H', 'h', 'Z', 'z', '', ' ', ' A', 'ß', 'constructor', '__proto__',
    '  Brass  Hinge ', '\t\nOak\r\n', '\u00a0Zinc\u3000', '\ufeffBOM', '𝒜𝒷𝒸𝒹𝑒𝒻𝑔𝒽', '１２３４５６７８',
    12.5, 12, 0, -1, true, false, null, ['A'], { A: 1 },
  ];

  const KEYS = ['cents', 'instant', 'status', 'trim', 'date'] as const;
  const both = async (v: unknown) => {
    const { rule, helper } = (await compare.evaluate({ v })) as { rule: Record<string, unknown>; helper: Record<string, unknown> };
    // jsonata drops a key whose value is undefined; the helpers never answer undefined.
    return KEYS.map((key) => ({ key, rule: rule[key] ?? null, helper: helper[key] ?? null }));
  };

  it.each(edge.map((v) => [JSON.stringify(v), v]))('%s', async (_label, v) => {
    for (const { key, rule, helper } of await both(v)) expect([key, helper]).toEqual([key, rule]);
  });

  it('on 1,600 generated near-misses of the timestamp, date and money shapes', async () => {
    const mismatches: unknown[] = [];
    const accepted = { cents: 0, instant: 0, date: 0, lateInMonth: 0 };
    for (const v of samples()) {
      for (const { key, rule, helper } of await both(v)) {
        if (!Object.is(rule, helper)) mismatches.push({ v, key, rule, helper });
        if (rule !== null && (key === 'cents' || key === 'instant' || key === 'date')) accepted[key] += 1;
        if (rule !== null && key === 'instant' && String(v).slice(6, 8) > '28') accepted.lateInMonth += 1;
      }
    }
    expect(mismatches).toEqual([]);
    // Not a vacuous comparison: each rule accepted some and refused some.
    expect(accepted.cents).toBeGreaterThan(50);
    expect(accepted.instant).toBeGreaterThan(50);
    expect(accepted.date).toBeGreaterThan(50);
    expect(accepted.lateInMonth).toBeGreaterThan(5);
  });
});

/*
 * legacyCents and legacyInstant read character codes rather than run a regex (they run for every
 * row of every page); the rules they replaced, as regexes, are the reference here.
 */
describe('the character-code helpers answer what the regex rules answer', () => {
  const DECIMAL_RULE = /^[0-9]{1,10}\.[0-9]{2}$/;
  const TIMESTAMP_RULE = /^[0-9]{4}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])([01][0-9]|2[0-3])[0-5][0-9][0-5][0-9]$/;
  // Every length in the range equally likely (fast-check's default sizes favour short strings).
  const digits = (min: number, max: number) => fc.integer({ min, max }).chain((n) => fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: n, maxLength: n }));
  const noise = fc.string({ unit: fc.constantFrom(...'0123456789.-+ e\u0660\u0669/:T'), maxLength: 16 });

  it('legacyCents: the cents of every DECIMAL(12,2) text, null for every other text', () => {
    const decimals = fc.oneof(
      fc.tuple(digits(0, 12), fc.constantFrom('.', ',', ''), digits(0, 3)).map(([a, dot, b]) => `${a}${dot}${b}`),
      noise,
      fc.string({ maxLength: 14 }),
    );
    fc.assert(
      fc.property(decimals, (text) => {
        const expected = DECIMAL_RULE.test(text) ? Number(text.slice(0, -3) + text.slice(-2)) : null;
        expect(legacyCents(text)).toBe(expected);
      }),
      { numRuns: 3000 },
    );
  });

  it('legacyInstant: the rule\'s stamps become ISO text (days past 28 checked on the calendar), null for every other text', () => {
    const pad = (n: number, width: number) => String(n).padStart(width, '0');
    const wellFormed = fc
      .tuple(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 }), fc.integer({ min: 0, max: 24 }), fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 60 }))
      .map(([y, mo, d, h, mi, s]) => `${pad(y, 4)}${pad(mo, 2)}${pad(d, 2)}${pad(h, 2)}${pad(mi, 2)}${pad(s, 2)}`);
    // One character of a well-formed stamp replaced: a letter, a sign, a non-ASCII digit, a blank.
    const oneWrong = fc
      .tuple(wellFormed, fc.integer({ min: 0, max: 13 }), fc.constantFrom('a', '-', ' ', '.', '\u0663', '/', ':'))
      .map(([stamp, at, c]) => stamp.slice(0, at) + c + stamp.slice(at + 1));
    const stamps = fc.oneof(
      wellFormed,
      oneWrong,
      digits(12, 16),
      noise,
      fc.string({ minLength: 14, maxLength: 14 }),
    );
    fc.assert(
      fc.property(stamps, (text) => {
        let expected: string | null = null;
        if (TIMESTAMP_RULE.test(text)) {
          const iso = `${text.slice(0, 4)}-${text.slice(4, 6)}-${text.slice(6, 8)}T${text.slice(8, 10)}:${text.slice(10, 12)}:${text.slice(12, 14)}Z`;
          const millis = Date.parse(iso);
          expected = Number.isFinite(millis) && new Date(millis).toISOString() === `${iso.slice(0, 19)}.000Z` ? iso : null;
        }
        expect(legacyInstant(text)).toBe(expected);
      }),
      { numRuns: 3000 },
    );
  });
});
