import { classifyVariable, knownFormatKinds, secretRules } from '../../../domain/secrets';
import { labeledCases, type LabeledCase } from '../../fixtures/secrets/labeled';

const secrets = labeledCases.filter((c) => c.secret);
const lookalikes = labeledCases.filter((c) => !c.secret);
const formatKinds = new Set(labeledCases.filter((c) => c.group === 'format').map((c) => c.kind));

describe('the labeled set', () => {
  it('is large enough to mean something', () => {
    expect(labeledCases.length).toBeGreaterThanOrEqual(250);
    expect(lookalikes.length).toBeGreaterThanOrEqual(100);
    expect(formatKinds.size).toBeGreaterThanOrEqual(25);
  });

  it('has unique ids and is deterministic', () => {
    expect(new Set(labeledCases.map((c) => c.id)).size).toBe(labeledCases.length);
  });

  it('only expects kinds the detector knows, for known formats', () => {
    const known = new Set(knownFormatKinds());
    for (const kind of formatKinds) expect(known.has(kind ?? '')).toBe(true);
  });
});

function describeCase(c: LabeledCase): string {
  return `${c.id}`;
}

describe('classifyVariable on secrets', () => {
  it.each(secrets.map((c) => [describeCase(c), c] as const))('%s is a secret of its kind', (_name, c) => {
    const result = classifyVariable(c.key, c.value);
    expect(result).toMatchObject({ verdict: 'secret', kind: c.kind });
  });

  it.each(secrets.filter((c) => c.group === 'format').map((c) => [describeCase(c), c] as const))('%s is decided by a known format (stage 1)', (_name, c) => {
    expect(classifyVariable(c.key, c.value).stage).toBe(1);
  });

  it.each(secrets.filter((c) => c.group === 'entropy').map((c) => [describeCase(c), c] as const))('%s is reported by entropy with low confidence', (_name, c) => {
    expect(classifyVariable(c.key, c.value)).toMatchObject({ stage: 4, confidence: 'low', ruleId: secretRules.highEntropy });
  });
});

describe('classifyVariable on look-alikes', () => {
  it.each(lookalikes.map((c) => [describeCase(c), c] as const))('%s is not a secret', (_name, c) => {
    expect(classifyVariable(c.key, c.value).verdict).not.toBe('secret');
  });
});
