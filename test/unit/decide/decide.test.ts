import { parseConfig, type WardenConfig } from '../../../domain/config';
import {
  applyModeSwitch,
  decide,
  expiryInstant,
  lowerMode,
  parseExemptionTag,
  protectedPrincipalReason,
  type DecisionAction,
  type DecisionContext,
} from '../../../domain/decide';
import type { Finding } from '../../../domain/findings';

const NOW = new Date('2026-06-15T12:00:00Z');
const ROLE = 'arn:aws:iam::123456789012:role/app-role';

function finding(overrides: Partial<Finding> = {}): Finding {
  return {
    id: 'f-1',
    ruleId: 'iam-admin-equivalent',
    category: 'admin-equivalent',
    severity: 'critical',
    resourceArn: ROLE,
    title: 'Role can do everything',
    evidence: {},
    widened: true,
    eventId: 'ev-1',
    correlationId: 'ev-1',
    accountId: '123456789012',
    region: 'us-east-1',
    ...overrides,
  };
}

const rollback = { remediationId: 'iam-rollback', revertsChange: true };
const quarantine = { remediationId: 'iam-quarantine', revertsChange: false };

function context(overrides: Partial<DecisionContext> = {}): DecisionContext {
  return { tags: {}, now: NOW, recentActions: 0, plan: rollback, ...overrides };
}

const enforce = parseConfig({ mode: 'enforce' });
const notify = parseConfig({ mode: 'notify' });

interface Case {
  readonly name: string;
  readonly config: WardenConfig;
  readonly finding?: Partial<Finding>;
  readonly context?: Partial<DecisionContext>;
  readonly action: DecisionAction;
  readonly reason: RegExp;
}

const cases: Case[] = [
  // Modes
  { name: 'global enforce with a plan', config: enforce, action: 'enforce', reason: /mode enforce \(global mode\) with iam-rollback/ },
  { name: 'global notify', config: notify, action: 'notify', reason: /mode notify \(global mode\)/ },
  { name: 'global off', config: parseConfig({ mode: 'off' }), action: 'ignore', reason: /mode off/ },
  { name: 'default config is notify', config: parseConfig({}), action: 'notify', reason: /mode notify/ },
  { name: 'rule mode enforce over global notify', config: parseConfig({ mode: 'notify', ruleModes: { 'iam-admin-equivalent': 'enforce' } }), action: 'enforce', reason: /rule mode of iam-admin-equivalent/ },
  { name: 'rule mode notify over global enforce', config: parseConfig({ mode: 'enforce', ruleModes: { 'iam-admin-equivalent': 'notify' } }), action: 'notify', reason: /rule mode/ },
  { name: 'rule mode off over global enforce', config: parseConfig({ mode: 'enforce', ruleModes: { 'iam-admin-equivalent': 'off' } }), action: 'ignore', reason: /mode off \(rule mode/ },
  { name: 'another rule mode does not apply', config: parseConfig({ mode: 'enforce', ruleModes: { 'lambda-public-url': 'off' } }), action: 'enforce', reason: /global mode/ },
  { name: 'unknown global mode falls back to notify', config: { ...enforce, mode: 'panic' as never }, action: 'notify', reason: /unknown mode in global mode/ },
  { name: 'unknown rule mode falls back to notify', config: { ...enforce, ruleModes: { 'iam-admin-equivalent': 'ENFORCE' as never } }, action: 'notify', reason: /unknown mode in rule mode/ },
  { name: 'rule named like an Object prototype key uses the global mode', config: enforce, finding: { ruleId: 'constructor' }, action: 'enforce', reason: /global mode/ },

  // Plans and widening
  { name: 'enforce without a plan', config: enforce, context: { plan: undefined }, action: 'notify', reason: /no remediation plan/ },
  { name: 'rollback of a change that did not widen', config: enforce, finding: { widened: false }, action: 'notify', reason: /did not widen/ },
  { name: 'rollback when widening is unknown', config: enforce, finding: { widened: undefined }, action: 'notify', reason: /did not widen/ },
  { name: 'rollback when the plan judged the change widening (finding unknown)', config: enforce, finding: { widened: undefined }, context: { plan: { ...rollback, widened: true } }, action: 'enforce', reason: /iam-rollback/ },
  { name: "the finding's widened=false wins over the plan's judgement", config: enforce, finding: { widened: false }, context: { plan: { ...rollback, widened: true } }, action: 'notify', reason: /did not widen/ },
  { name: 'rollback when the plan judged the change not widening', config: enforce, finding: { widened: undefined }, context: { plan: { ...rollback, widened: false } }, action: 'notify', reason: /did not widen/ },
  { name: 'non-rollback plan for a non-widening finding', config: enforce, finding: { widened: false }, context: { plan: quarantine }, action: 'enforce', reason: /iam-quarantine/ },
  { name: 'notify mode without a plan still notifies', config: notify, context: { plan: undefined }, action: 'notify', reason: /mode notify/ },

  // Circuit breaker (default: at most 5 actions in 60 minutes)
  { name: 'breaker closed at 0 actions', config: enforce, context: { recentActions: 0 }, action: 'enforce', reason: /mode enforce/ },
  { name: 'breaker closed at 4 actions', config: enforce, context: { recentActions: 4 }, action: 'enforce', reason: /mode enforce/ },
  { name: 'breaker open at 5 actions (the next would be the 6th)', config: enforce, context: { recentActions: 5 }, action: 'notify', reason: /circuit breaker open/ },
  { name: 'breaker open at 50 actions', config: enforce, context: { recentActions: 50 }, action: 'notify', reason: /circuit breaker open: 50 actions/ },
  { name: 'breaker with a custom limit', config: parseConfig({ mode: 'enforce', circuitBreaker: { maxActions: 1 } }), context: { recentActions: 1 }, action: 'notify', reason: /at most 1/ },
  { name: 'breaker state NaN fails safe', config: enforce, context: { recentActions: Number.NaN }, action: 'notify', reason: /circuit breaker state unknown/ },
  { name: 'breaker state negative fails safe', config: enforce, context: { recentActions: -1 }, action: 'notify', reason: /circuit breaker state unknown/ },
  { name: 'breaker does not matter in notify mode', config: notify, context: { recentActions: 99 }, action: 'notify', reason: /mode notify/ },

  // Protected principals
  { name: 'service-linked role', config: enforce, finding: { resourceArn: 'arn:aws:iam::123456789012:role/aws-service-role/elasticloadbalancing.amazonaws.com/AWSServiceRoleForElasticLoadBalancing' }, action: 'notify', reason: /service-linked role/ },
  { name: 'SSO role', config: enforce, finding: { resourceArn: 'arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_Admin_0123456789abcdef' }, action: 'notify', reason: /Identity Center/ },
  { name: "Warden's own role", config: parseConfig({ mode: 'enforce', selfArnPatterns: ['arn:aws:iam::*:role/warden-prod-*'] }), finding: { resourceArn: 'arn:aws:iam::123456789012:role/warden-prod-remediate-us-east-1' }, action: 'notify', reason: /Warden's own role/ },
  { name: 'StackSet execution role', config: enforce, finding: { resourceArn: 'arn:aws:iam::123456789012:role/AWSCloudFormationStackSetExecutionRole' }, action: 'notify', reason: /execution role/ },
  { name: 'service-managed StackSet role', config: enforce, finding: { resourceArn: 'arn:aws:iam::123456789012:role/stacksets-exec-0123456789abcdef' }, action: 'notify', reason: /execution role/ },
  { name: 'CDK CloudFormation execution role', config: enforce, finding: { resourceArn: 'arn:aws:iam::123456789012:role/cdk-hnb659fds-cfn-exec-role-123456789012-us-east-1' }, action: 'notify', reason: /execution role/ },
  { name: 'CDK deploy role is not the exec role', config: enforce, finding: { resourceArn: 'arn:aws:iam::123456789012:role/cdk-hnb659fds-deploy-role-123456789012-us-east-1' }, action: 'enforce', reason: /mode enforce/ },
  { name: 'break-glass ARN pattern', config: parseConfig({ mode: 'enforce', protectedPrincipals: ['arn:aws:iam::*:role/break-glass*'] }), finding: { resourceArn: 'arn:aws:iam::123456789012:role/break-glass-admin' }, action: 'notify', reason: /protectedPrincipals/ },
  { name: 'break-glass name pattern', config: parseConfig({ mode: 'enforce', protectedPrincipals: ['emergency-*'] }), finding: { resourceArn: 'arn:aws:iam::123456789012:user/ops/emergency-alice' }, action: 'notify', reason: /protectedPrincipals \(emergency-\*\)/ },
  { name: 'protected principal given in the context', config: enforce, finding: { resourceArn: 'arn:aws:iam::123456789012:policy/app' }, context: { principalArn: 'arn:aws:iam::123456789012:role/AWSCloudFormationStackSetExecutionRole' }, action: 'notify', reason: /protected principal/ },
  { name: 'protected principal in notify mode', config: notify, finding: { resourceArn: 'arn:aws:iam::123456789012:role/aws-service-role/x.amazonaws.com/AWSServiceRoleForX' }, action: 'notify', reason: /mode notify/ },
  { name: 'protected principal with the rule off', config: parseConfig({ mode: 'off' }), finding: { resourceArn: 'arn:aws:iam::123456789012:role/aws-service-role/x.amazonaws.com/AWSServiceRoleForX' }, action: 'ignore', reason: /mode off/ },
  { name: 'AWSReservedSSO_ as a user name is not an SSO role', config: enforce, finding: { resourceArn: 'arn:aws:iam::123456789012:user/AWSReservedSSO_fake' }, action: 'enforce', reason: /mode enforce/ },
  { name: 'aws-service-role in the name, not the path', config: enforce, finding: { resourceArn: 'arn:aws:iam::123456789012:role/my-aws-service-role' }, action: 'enforce', reason: /mode enforce/ },
  { name: 'China partition service-linked role', config: enforce, finding: { resourceArn: 'arn:aws-cn:iam::123456789012:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS' }, action: 'notify', reason: /service-linked/ },

  // Exemption tags
  { name: 'valid exemption tag', config: enforce, context: { tags: { 'warden:exempt': 'reason=load test INC-42 expires=2026-12-31' } }, action: 'ignore', reason: /exempt by tag warden:exempt until 2026-12-31: load test INC-42/ },
  { name: 'exemption tag with expires first', config: enforce, context: { tags: { 'warden:exempt': 'expires=2026-12-31 reason=migration' } }, action: 'ignore', reason: /migration/ },
  { name: 'exemption tag key in another case', config: enforce, context: { tags: { 'Warden:Exempt': 'reason=x expires=2026-12-31' } }, action: 'ignore', reason: /exempt by tag/ },
  { name: 'exemption valid through its last day', config: enforce, context: { tags: { 'warden:exempt': 'reason=x expires=2026-06-15' } }, action: 'ignore', reason: /until 2026-06-15/ },
  { name: 'exemption expired yesterday', config: enforce, context: { tags: { 'warden:exempt': 'reason=x expires=2026-06-14' } }, action: 'enforce', reason: /tag warden:exempt expired \(2026-06-14\)/ },
  { name: 'exemption with a date-time in the past', config: enforce, context: { tags: { 'warden:exempt': 'reason=x expires=2026-06-15T11:59:59Z' } }, action: 'enforce', reason: /expired/ },
  { name: 'malformed exemption tag', config: enforce, context: { tags: { 'warden:exempt': 'load test until 2030-01-01' } }, action: 'enforce', reason: /tag warden:exempt not honoured: malformed value/ },
  { name: 'exemption tag without a reason', config: enforce, context: { tags: { 'warden:exempt': 'reason= expires=2030-01-01' } }, action: 'enforce', reason: /no reason given/ },
  { name: 'exemption tag with an impossible date', config: enforce, context: { tags: { 'warden:exempt': 'reason=x expires=2030-02-30' } }, action: 'enforce', reason: /not a date/ },
  { name: 'malformed tag noted in notify mode', config: notify, context: { tags: { 'warden:exempt': 'yes' } }, action: 'notify', reason: /mode notify .*not honoured/ },
  { name: 'exemption beats the breaker and protection', config: enforce, finding: { resourceArn: 'arn:aws:iam::123456789012:role/AWSCloudFormationStackSetExecutionRole' }, context: { recentActions: 99, tags: { 'warden:exempt': 'reason=x expires=2030-01-01' } }, action: 'ignore', reason: /exempt by tag/ },
  { name: 'other tags do not exempt', config: enforce, context: { tags: { 'warden:exempt-note': 'reason=x expires=2030-01-01' } }, action: 'enforce', reason: /mode enforce/ },

  // Configured exemptions
  { name: 'config exemption by ARN pattern', config: parseConfig({ mode: 'enforce', exemptions: [{ resource: 'arn:aws:iam::*:role/app-*', reason: 'migration', expires: '2027-01-31' }] }), action: 'ignore', reason: /exempt by configuration \(arn:aws:iam::\*:role\/app-\*\) until 2027-01-31: migration/ },
  { name: 'config exemption for this rule', config: parseConfig({ mode: 'enforce', exemptions: [{ resource: ROLE, ruleId: 'iam-admin-equivalent', reason: 'r', expires: '2027-01-31' }] }), action: 'ignore', reason: /exempt by configuration/ },
  { name: 'config exemption for another rule', config: parseConfig({ mode: 'enforce', exemptions: [{ resource: ROLE, ruleId: 'iam-passrole', reason: 'r', expires: '2027-01-31' }] }), action: 'enforce', reason: /mode enforce/ },
  { name: 'expired config exemption', config: parseConfig({ mode: 'enforce', exemptions: [{ resource: ROLE, reason: 'r', expires: '2026-01-01' }] }), action: 'enforce', reason: /configured exemption .* expired/ },
  { name: 'config exemption matching the principal', config: parseConfig({ mode: 'enforce', exemptions: [{ resource: ROLE, reason: 'r', expires: '2027-01-01' }] }), finding: { resourceArn: 'arn:aws:iam::123456789012:policy/x' }, context: { principalArn: ROLE }, action: 'ignore', reason: /exempt by configuration/ },
  { name: 'config exemption ARNs are case-sensitive', config: parseConfig({ mode: 'enforce', exemptions: [{ resource: 'arn:aws:iam::*:role/APP-*', reason: 'r', expires: '2027-01-31' }] }), action: 'enforce', reason: /mode enforce/ },
  { name: 'config exemption: ? is literal', config: parseConfig({ mode: 'enforce', exemptions: [{ resource: 'arn:aws:iam::123456789012:role/app-rol?', reason: 'r', expires: '2027-01-31' }] }), action: 'enforce', reason: /mode enforce/ },
  { name: 'exemption applies in off mode too', config: parseConfig({ mode: 'off', exemptions: [{ resource: ROLE, reason: 'r', expires: '2027-01-01' }] }), action: 'ignore', reason: /exempt by configuration/ },

  // Lambda resources
  { name: 'Lambda function in enforce', config: enforce, finding: { ruleId: 'lambda-public-url', resourceArn: 'arn:aws:lambda:us-east-1:123456789012:function:orders' }, context: { plan: { remediationId: 'url-auth', revertsChange: false } }, action: 'enforce', reason: /url-auth/ },
  { name: 'Lambda function listed by ARN', config: parseConfig({ mode: 'enforce', protectedPrincipals: ['arn:aws:lambda:*:*:function:critical-*'] }), finding: { resourceArn: 'arn:aws:lambda:us-east-1:123456789012:function:critical-payments' }, context: { plan: quarantine }, action: 'notify', reason: /protectedPrincipals/ },
];

describe('decide', () => {
  it('has at least 40 table cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
  });

  it.each(cases)('$name → $action', ({ config, finding: f, context: c, action, reason }) => {
    const decision = decide(finding(f), config, context(c));
    expect(decision.action).toBe(action);
    expect(decision.reason).toMatch(reason);
  });

  it('lists every reason enforce was withheld', () => {
    const decision = decide(finding({ widened: false }), enforce, context({ recentActions: 9, principalArn: 'arn:aws:iam::1:role/AWSCloudFormationStackSetExecutionRole' }));
    expect(decision.reason).toMatch(/protected principal.*did not widen.*circuit breaker open/);
  });

  it('does not mutate its inputs', () => {
    const tags = Object.freeze({ 'warden:exempt': 'junk' });
    const config = Object.freeze({ ...enforce });
    expect(() => decide(Object.freeze(finding()), config, Object.freeze(context({ tags })))).not.toThrow();
  });
});

describe('parseExemptionTag', () => {
  it.each([
    ['reason=load test expires=2027-01-31', 'load test', '2027-02-01T00:00:00.000Z'],
    ['expires=2027-01-31 reason=load test', 'load test', '2027-02-01T00:00:00.000Z'],
    ['  reason=a=b c expires=2027-01-31T10:00:00Z ', 'a=b c', '2027-01-31T10:00:00.000Z'],
    ['reason=x expires=2027-01-31T10:00:00+02:00', 'x', '2027-01-31T08:00:00.000Z'],
  ])('%j is valid', (value, reason, instant) => {
    const tag = parseExemptionTag(value);
    expect(tag).toMatchObject({ valid: true, reason });
    expect(tag.valid && tag.expires.toISOString()).toBe(instant);
  });

  it.each([
    ['', /malformed/],
    ['true', /malformed/],
    ['reason=x;expires=2027-01-31', /malformed/],
    ['reason=x expires=tomorrow', /not a date/],
    ['reason=x expires=2027-13-01', /not a date/],
    ['reason=x expires=2027-01-31T10:00:00', /not a date/],
    ['reason=   expires=2027-01-31', /no reason/],
  ])('%j is not valid', (value, problem) => {
    const tag = parseExemptionTag(value);
    expect(tag.valid).toBe(false);
    expect(!tag.valid && tag.problem).toMatch(problem);
  });

  it('computes the end of a date-only expiry', () => {
    expect(expiryInstant('2024-02-29')?.toISOString()).toBe('2024-03-01T00:00:00.000Z');
    expect(expiryInstant('2023-02-29')).toBeUndefined();
  });
});

describe('protectedPrincipalReason', () => {
  const config = parseConfig({});
  it('is undefined for an ordinary role, user or non-IAM ARN', () => {
    expect(protectedPrincipalReason(ROLE, config)).toBeUndefined();
    expect(protectedPrincipalReason('arn:aws:iam::123456789012:user/alice', config)).toBeUndefined();
    expect(protectedPrincipalReason('arn:aws:lambda:us-east-1:123456789012:function:f', config)).toBeUndefined();
  });
});

describe('lowerMode', () => {
  it.each([
    ['enforce', undefined, 'enforce', /no runtime switch/],
    ['enforce', 'notify', 'notify', /lowered mode enforce to notify/],
    ['enforce', 'off', 'off', /lowered/],
    ['enforce', 'enforce', 'enforce', /keeps/],
    ['notify', 'enforce', 'notify', /cannot raise/],
    ['off', 'enforce', 'off', /cannot raise/],
    ['off', 'notify', 'off', /cannot raise/],
    ['notify', 'off', 'off', /lowered/],
    ['notify', ' Off\n', 'off', /lowered/],
    ['enforce', 'disable', 'notify', /invalid runtime switch value.*treated as notify/],
    ['enforce', '', 'notify', /invalid/],
    ['off', 'garbage', 'off', /invalid/],
    ['notify', 'garbage', 'notify', /invalid/],
  ] as const)('%s lowered by %j → %s', (configured, value, mode, reason) => {
    const result = lowerMode(configured, value);
    expect(result.mode).toBe(mode);
    expect(result.reason).toMatch(reason);
  });

  it('never echoes an invalid switch value', () => {
    expect(lowerMode('enforce', 'hunter2-secret').reason).not.toContain('hunter2');
  });

  it('lowers the global and every rule mode of a configuration', () => {
    const config = parseConfig({ mode: 'enforce', ruleModes: { a: 'enforce', b: 'off', c: 'notify' } });
    const switched = applyModeSwitch(config, 'notify');
    expect(switched.config.mode).toBe('notify');
    expect(switched.config.ruleModes).toEqual({ a: 'notify', b: 'off', c: 'notify' });
    expect(config.mode).toBe('enforce');
    expect(decide(finding({ ruleId: 'a' }), switched.config, context()).action).toBe('notify');
  });
});
