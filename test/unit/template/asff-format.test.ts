import Ajv from 'ajv';
import { AsffContextError, toAsff } from '../../../cli/formats/asff';
import { findingId, severities, type Finding, type FindingSubject, type Severity } from '../../../domain/findings';

/**
 * The fields BatchImportFindings requires (AWS Security Finding Format, SchemaVersion 2018-10-08)
 * with their documented shapes and limits, written for this test from the Security Hub
 * documentation (https://docs.aws.amazon.com/securityhub/latest/userguide/asff-required-attributes.html).
 */
const asffRequired = {
  type: 'object',
  required: ['SchemaVersion', 'Id', 'ProductArn', 'GeneratorId', 'AwsAccountId', 'Types', 'CreatedAt', 'UpdatedAt', 'Severity', 'Title', 'Description', 'Resources'],
  properties: {
    SchemaVersion: { const: '2018-10-08' },
    Id: { type: 'string', minLength: 1, maxLength: 512 },
    ProductArn: { type: 'string', pattern: '^arn:aws(-cn|-us-gov)?:securityhub:[a-z0-9-]+:\\d{12}:product/\\d{12}/default$' },
    GeneratorId: { type: 'string', minLength: 1, maxLength: 512 },
    AwsAccountId: { type: 'string', pattern: '^\\d{12}$' },
    Types: { type: 'array', minItems: 1, maxItems: 50, items: { type: 'string', pattern: '^(Software and Configuration Checks|TTPs|Effects|Unusual Behaviors|Sensitive Data Identifications)(/[^/]+){1,2}$' } },
    CreatedAt: { type: 'string', format: 'date-time' },
    UpdatedAt: { type: 'string', format: 'date-time' },
    Severity: { type: 'object', required: ['Label'], properties: { Label: { enum: ['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] } } },
    Title: { type: 'string', minLength: 1, maxLength: 256 },
    Description: { type: 'string', minLength: 1, maxLength: 1024 },
    Resources: {
      type: 'array',
      minItems: 1,
      maxItems: 32,
      items: { type: 'object', required: ['Type', 'Id'], properties: { Type: { type: 'string', minLength: 1 }, Id: { type: 'string', minLength: 1 }, Partition: { enum: ['aws', 'aws-cn', 'aws-us-gov'] } } },
    },
    Remediation: { type: 'object', properties: { Recommendation: { type: 'object', properties: { Text: { type: 'string', maxLength: 512 } } } } },
    ProductFields: { type: 'object', additionalProperties: { type: 'string', maxLength: 2048 } },
  },
};
const validate = new Ajv({ allErrors: true }).compile(asffRequired);

function finding(severity: Severity, subject: FindingSubject, extra: Partial<Finding> = {}): Finding {
  return {
    id: findingId(`rule-${severity}`, subject.arn, 'e'),
    ruleId: `rule-${severity}`,
    category: 'admin-equivalent',
    severity,
    resourceArn: subject.arn,
    title: 'Administrator-equivalent permissions (AppRole)',
    evidence: { logicalId: 'AppRole', propertyPath: 'Resources.AppRole.Properties.Policies[0]' },
    why: 'The principal may perform every action on every resource.',
    fix: 'Replace the grant of all actions.',
    subject,
    eventId: 'e',
    correlationId: 'e',
    accountId: '{AccountId}',
    region: '{Region}',
    ...extra,
  };
}

const options = { accountId: '111122223333', region: 'eu-west-1', now: new Date('2026-01-02T03:04:05Z'), source: 'scan-template' };
const role: FindingSubject = { kind: 'role', name: 'app', arn: 'arn:aws:iam::111122223333:role/app' };

describe('toAsff', () => {
  test('every severity and subject kind gives the required fields, valid', () => {
    const kinds: FindingSubject['kind'][] = ['role', 'user', 'group', 'policy', 'function'];
    const findings = severities.flatMap((s) => kinds.map((kind) => finding(s, { kind, name: 'n', arn: `arn:aws:iam::111122223333:${kind}/n` })));
    const asff = toAsff(findings, options);
    expect(asff).toHaveLength(findings.length);
    for (const item of asff) {
      expect(validate(item)).toBe(true);
      expect(validate.errors ?? []).toEqual([]);
    }
    expect(new Set(asff.map((a) => a.Id)).size).toBe(asff.length);
  });

  test('maps the fields Security Hub reads', () => {
    const [item] = toAsff([finding('critical', role)], options);
    expect(item).toMatchObject({
      SchemaVersion: '2018-10-08',
      ProductArn: 'arn:aws:securityhub:eu-west-1:111122223333:product/111122223333/default',
      GeneratorId: 'warden/scan-template/rule-critical',
      AwsAccountId: '111122223333',
      CreatedAt: '2026-01-02T03:04:05.000Z',
      UpdatedAt: '2026-01-02T03:04:05.000Z',
      Severity: { Label: 'CRITICAL', Original: 'critical' },
      Resources: [{ Type: 'AwsIamRole', Id: 'arn:aws:iam::111122223333:role/app', Partition: 'aws', Region: 'eu-west-1' }],
      Remediation: { Recommendation: { Text: 'Replace the grant of all actions.' } },
      ProductFields: { 'warden/LogicalId': 'AppRole', 'warden/RuleId': 'rule-critical' },
    });
  });

  test('secrets and exposure get their own finding types', () => {
    const [secret, exposure] = toAsff([finding('high', role, { category: 'secrets' }), finding('high', role, { category: 'exposure' })], options);
    expect(secret?.Types).toContain('Sensitive Data Identifications/Passwords');
    expect(exposure?.Types).toContain('Effects/Data Exposure');
  });

  test('long titles and descriptions are cut to the limits', () => {
    const [item] = toAsff([finding('low', role, { title: 'x'.repeat(400), why: 'y'.repeat(2000) })], options);
    expect(validate(item)).toBe(true);
    expect(String(item?.Title).length).toBe(256);
  });

  test('the schema check can fail', () => {
    const [item] = toAsff([finding('low', role)], options);
    expect(validate({ ...item, AwsAccountId: '{AccountId}' })).toBe(false);
    expect(validate({ ...item, Types: ['Not a namespace/x'] })).toBe(false);
  });

  test.each([
    ['an account that is not 12 digits', { ...options, accountId: '{AccountId}' }],
    ['a missing region', { ...options, region: '' }],
  ])('%s is refused', (_name, bad) => {
    expect(() => toAsff([], bad)).toThrow(AsffContextError);
  });
});
