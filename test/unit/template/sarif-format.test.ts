import Ajv from 'ajv';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { toSarif, sarifLevel, toUriReference, type SarifFindingInput } from '../../../cli/formats/sarif';
import { wardenRules } from '../../../cli/formats/rule-catalogue';
import { findingId, severities, type Finding, type Severity } from '../../../domain/findings';

const schema: unknown = JSON.parse(readFileSync(join(__dirname, '../../fixtures/templates/sarif-2.1.0-subset.schema.json'), 'utf8'));
const validate = new Ajv({ allErrors: true }).compile(schema as object);

function finding(ruleId: string, severity: Severity, extra: Partial<Finding> = {}): Finding {
  const resourceArn = 'arn:aws:iam::{AccountId}:role/app';
  return {
    id: findingId(ruleId, resourceArn, 'template:t.yaml'),
    ruleId,
    category: 'admin-equivalent',
    severity,
    resourceArn,
    title: `A title (${ruleId})`,
    evidence: { statements: [{ policy: 'p', index: 0 }] },
    why: 'Because.',
    fix: 'Narrow it.',
    eventId: 'template:t.yaml',
    correlationId: 'template:t.yaml',
    accountId: '{AccountId}',
    region: '{Region}',
    ...extra,
  };
}

function input(f: Finding, line?: number): SarifFindingInput {
  return {
    finding: f,
    location: { uri: 'infra/my templates/app.yaml', logicalName: 'AppRole', fullyQualifiedName: f.resourceArn, kind: 'resource', ...(line === undefined ? {} : { line }) },
    related: [{ uri: 'infra/my templates/app.yaml', line: 40, logicalName: 'ExtraPolicy' }],
  };
}

const tool = { name: 'Warden', version: '0.1.0' };

type Log = { runs: { tool: { driver: { rules: { id: string; defaultConfiguration: { level: string } }[] } }; results: Record<string, unknown>[]; invocations: { executionSuccessful: boolean }[] }[] };

describe('toSarif', () => {
  test('a log with findings of every severity validates against the SARIF 2.1.0 schema', () => {
    const findings = severities.map((s, i) => input(finding(`rule-${s}`, s), i + 1));
    const log = toSarif(findings, { tool, rules: wardenRules(), notifications: [{ message: 'bad.yaml: not valid YAML', uri: 'bad.yaml' }] });
    expect(validate(log)).toBe(true);
    expect(validate.errors ?? []).toEqual([]);
  });

  test('an empty log validates and says the run succeeded', () => {
    const log = toSarif([], { tool }) as unknown as Log;
    expect(validate(log)).toBe(true);
    expect(log.runs[0]?.results).toEqual([]);
    expect(log.runs[0]?.invocations[0]?.executionSuccessful).toBe(true);
  });

  test('the schema check can fail: broken logs are rejected', () => {
    const good = toSarif([input(finding('iam-admin-equivalent', 'critical'), 3)], { tool }) as unknown as Log;
    const broken = (mutate: (log: Log) => void): unknown => {
      const copy = JSON.parse(JSON.stringify(good)) as Log;
      mutate(copy);
      return copy;
    };
    expect(validate(broken((l) => Object.assign(l, { version: '2.0.0' })))).toBe(false);
    expect(validate(broken((l) => Object.assign(l.runs[0]?.results[0] ?? {}, { level: 'critical' })))).toBe(false);
    expect(validate(broken((l) => delete l.runs[0]?.results[0]?.message))).toBe(false);
    expect(validate(broken((l) => Object.assign(l.runs[0]?.results[0] ?? {}, { severity: 'high' })))).toBe(false);
  });

  test('results carry rule, level, message, locations with file, line and logical id, and a stable fingerprint', () => {
    const f = finding('iam-admin-equivalent', 'critical');
    const log = toSarif([input(f, 12)], { tool, rules: wardenRules() }) as unknown as Log;
    const run = log.runs[0];
    const result = run?.results[0] as Record<string, unknown>;
    expect(result).toMatchObject({
      ruleId: 'iam-admin-equivalent',
      level: 'error',
      partialFingerprints: { 'wardenFindingId/v1': f.id },
      locations: [
        {
          physicalLocation: { artifactLocation: { uri: 'infra/my%20templates/app.yaml' }, region: { startLine: 12 } },
          logicalLocations: [{ name: 'AppRole', fullyQualifiedName: f.resourceArn, kind: 'resource' }],
        },
      ],
      relatedLocations: [{ id: 1, physicalLocation: { region: { startLine: 40 } }, logicalLocations: [{ name: 'ExtraPolicy' }] }],
    });
    expect((result.message as { text: string }).text).toContain('Narrow it.');
    const rules = run?.tool.driver.rules ?? [];
    expect(rules[result.ruleIndex as number]?.id).toBe('iam-admin-equivalent');
    expect(rules.map((r) => r.id)).toEqual(['iam-admin-equivalent']);
  });

  test('rules unknown to the catalogue are described from their first finding', () => {
    const log = toSarif([input(finding('custom-rule', 'low'))], { tool }) as unknown as Log;
    const rule = log.runs[0]?.tool.driver.rules[0] as unknown as Record<string, unknown>;
    expect(rule).toMatchObject({ id: 'custom-rule', shortDescription: { text: 'A title' }, defaultConfiguration: { level: 'note' } });
    expect(validate(log)).toBe(true);
  });

  test('notifications make the run unsuccessful', () => {
    const log = toSarif([], { tool, notifications: [{ message: 'x.yaml: cannot read the file (ENOENT)' }] }) as unknown as Log;
    expect(log.runs[0]?.invocations[0]?.executionSuccessful).toBe(false);
    expect(validate(log)).toBe(true);
  });

  test.each<[Severity, string]>([
    ['critical', 'error'],
    ['high', 'error'],
    ['medium', 'warning'],
    ['low', 'note'],
    ['info', 'note'],
  ])('%s maps to level %s', (severity, level) => {
    expect(sarifLevel(severity)).toBe(level);
  });

  test('uri references keep slashes and encode the rest', () => {
    expect(toUriReference('a dir\\b#1.yaml')).toBe('a%20dir/b%231.yaml');
  });

  test('the rule catalogue has unique ids and valid descriptors', () => {
    const rules = wardenRules();
    expect(new Set(rules.map((r) => r.id)).size).toBe(rules.length);
    expect(rules.map((r) => r.id)).toEqual(expect.arrayContaining(['iam-admin-equivalent', 'lambda-public-url', 'lambda-env-secret-named']));
    const log = toSarif(rules.map((r) => input(finding(r.id, r.severity))), { tool, rules });
    expect(validate(log)).toBe(true);
  });
});
