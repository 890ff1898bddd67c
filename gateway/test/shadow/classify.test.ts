import { classifyFields, DEFAULT_NOISE_THRESHOLDS, fieldKey, isReal, matchesGiven, realKeys, type FieldCounts } from '../../src/shadow/classify';

const field = (raw: number, noise: number, path = 'f'): FieldCounts => ({ path, kind: 'changed', raw, noise });

describe('classifyFields', () => {
  it('calls a timestamp that differs on every call on both sides noise', () => {
    const [ts] = classifyFields([field(1000, 100, 'updatedAt')], { compared: 1000, noiseSampled: 100 });
    expect(ts).toMatchObject({ path: 'updatedAt', raw: 1000, noise: 100, rawRate: 1, noiseRate: 1, real: false });
  });

  it('calls a field differing in 10% of requests legacy → new and never legacy → legacy real', () => {
    const [f] = classifyFields([field(100, 0)], { compared: 1000, noiseSampled: 100 });
    expect(f).toMatchObject({ rawRate: 0.1, noiseRate: 0, real: true });
  });

  it('compares rates, not counts, since noise is measured on a sample', () => {
    // 50 of 1000 against 10 of 100: the count is higher, the rate is not.
    const [f] = classifyFields([field(50, 10)], { compared: 1000, noiseSampled: 100 });
    expect(f).toMatchObject({ rawRate: 0.05, noiseRate: 0.1, real: false });
  });

  it('treats no noise samples as no noise', () => {
    const [f] = classifyFields([field(5, 0)], { compared: 1000, noiseSampled: 0 });
    expect(f).toMatchObject({ noiseRate: 0, real: true });
  });

  it('finds nothing real without compared requests', () => {
    expect(classifyFields([field(0, 3)], { compared: 0, noiseSampled: 10 })[0]?.real).toBe(false);
  });

  it('keeps the order and the kinds given', () => {
    const fields: FieldCounts[] = [
      { path: 'a', kind: 'missing', raw: 1, noise: 0 },
      { path: 'a', kind: 'changed', raw: 1, noise: 1 },
    ];
    expect(classifyFields(fields, { compared: 10, noiseSampled: 1 }).map((f) => [f.kind, f.real])).toEqual([
      ['missing', true],
      ['changed', false],
    ]);
  });
});

describe('isReal: thresholds', () => {
  const t = DEFAULT_NOISE_THRESHOLDS;

  it('needs the raw rate above the noise rate', () => {
    expect(isReal(0.5, 0.5, t)).toBe(false);
    expect(isReal(0.4, 0.5, t)).toBe(false);
    expect(isReal(0, 0, t)).toBe(false);
  });

  it('needs a relative excess above 20%', () => {
    // (0.5 − 0.4) / 0.5 = 0.2 exactly is not above; 0.39 gives 0.22.
    expect(isReal(0.5, 0.4, t)).toBe(false);
    expect(isReal(0.5, 0.39, t)).toBe(true);
    expect(isReal(0.5, 0.41, t)).toBe(false);
  });

  it('needs an absolute excess above 0.03% of requests', () => {
    expect(isReal(0.00025, 0, t)).toBe(false);
    expect(isReal(0.0003, 0, t)).toBe(false);
    expect(isReal(0.00035, 0, t)).toBe(true);
    // 3 in 10 000 is not enough, 4 is.
    expect(classifyFields([field(3, 0)], { compared: 10_000, noiseSampled: 100 }, t)[0]?.real).toBe(false);
    expect(classifyFields([field(4, 0)], { compared: 10_000, noiseSampled: 100 }, t)[0]?.real).toBe(true);
  });

  it('takes configured thresholds', () => {
    expect(isReal(0.5, 0.39, { relative: 0.25, absolute: 0 })).toBe(false);
    expect(isReal(0.5, 0.3, { relative: 0.25, absolute: 0 })).toBe(true);
    expect(isReal(0.01, 0, { relative: 0, absolute: 0.01 })).toBe(false);
    expect(isReal(0.02, 0, { relative: 0, absolute: 0.01 })).toBe(true);
  });
});

describe('matchesGiven', () => {
  const fields = classifyFields(
    [
      { path: 'updatedAt', kind: 'changed', raw: 100, noise: 10 },
      { path: 'price', kind: 'changed', raw: 10, noise: 0 },
    ],
    { compared: 100, noiseSampled: 10 },
  );
  const real = realKeys(fields);

  it('keys fields by kind and path, like the store', () => {
    expect([...real]).toEqual(['changed price']);
    expect(fieldKey({ path: 'a b', kind: 'missing' })).toBe('missing a b');
  });

  it('matches a request whose differences are all noise, or that has none', () => {
    expect(matchesGiven(real, [])).toBe(true);
    expect(matchesGiven(real, [{ path: 'updatedAt', kind: 'changed' }])).toBe(true);
  });

  it('does not match a request with a difference on a real field', () => {
    expect(matchesGiven(real, [{ path: 'updatedAt', kind: 'changed' }, { path: 'price', kind: 'changed' }])).toBe(false);
  });

  it('does not excuse another kind on a noisy path', () => {
    expect(matchesGiven(new Set(['missing updatedAt']), [{ path: 'updatedAt', kind: 'missing' }])).toBe(false);
  });
});
