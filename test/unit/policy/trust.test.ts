import { analyzePrincipal } from '../../../domain/policy/analyze';
import { analyzeTrustPolicy, oidcIssuer, principalAccount } from '../../../domain/policy/trust';
import { ACCOUNT, doc, FOREIGN, only, role, ruleIds } from './builders';

const assume = (Principal: unknown, Condition?: unknown, Action: unknown = 'sts:AssumeRole'): Record<string, unknown> => ({
  Effect: 'Allow',
  Principal,
  Action,
  ...(Condition ? { Condition } : {}),
});
const GH = `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`;
const GH_SUB = 'token.actions.githubusercontent.com:sub';
const GH_AUD = 'token.actions.githubusercontent.com:aud';
const EKS = `arn:aws:iam::${ACCOUNT}:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABCDEF`;
const ctx = { accountId: ACCOUNT, trustedAccounts: ['777788889999'], orgId: 'o-abc123' };

const cases: readonly [string, unknown, readonly string[]][] = [
  // anyone
  ['Principal "*" without condition', [assume('*')], ['iam-trust-public']],
  ['{"AWS":"*"} without condition', [assume({ AWS: '*' })], ['iam-trust-public']],
  ['{"AWS":"*"} with only sts:ExternalId', [assume({ AWS: '*' }, { StringEquals: { 'sts:ExternalId': 'abc' } })], ['iam-trust-public']],
  ['{"AWS":"*"} with aws:PrincipalOrgID', [assume({ AWS: '*' }, { StringEquals: { 'aws:PrincipalOrgID': 'o-abc123' } })], []],
  ['{"AWS":"*"} with aws:PrincipalAccount', [assume({ AWS: '*' }, { StringEquals: { 'aws:PrincipalAccount': ACCOUNT } })], []],
  ['{"AWS":"*"} with aws:PrincipalArn ArnLike', [assume({ AWS: '*' }, { ArnLike: { 'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:role/ci-*` } })], []],
  ['{"AWS":"*"} with aws:SourceArn', [assume({ AWS: '*' }, { ArnEquals: { 'aws:SourceArn': `arn:aws:sns:us-east-1:${ACCOUNT}:topic` } })], []],
  ['{"AWS":"*"} with aws:SourceAccount', [assume({ AWS: '*' }, { StringEquals: { 'aws:SourceAccount': ACCOUNT } })], []],
  ['{"AWS":"*"} with PrincipalOrgID IfExists (weak)', [assume({ AWS: '*' }, { StringEqualsIfExists: { 'aws:PrincipalOrgID': 'o-abc123' } })], ['iam-trust-public']],
  ['{"AWS":"*"} with StringNotEquals PrincipalOrgID (weak)', [assume({ AWS: '*' }, { StringNotEquals: { 'aws:PrincipalOrgID': 'o-evil' } })], ['iam-trust-public']],
  ['{"AWS":"*"} with PrincipalOrgID "*" (wildcard)', [assume({ AWS: '*' }, { StringLike: { 'aws:PrincipalOrgID': '*' } })], ['iam-trust-public']],
  ['{"AWS":"*"} with ForAllValues on PrincipalOrgID (weak, bad grammar)', [assume({ AWS: '*' }, { 'ForAllValues:StringEquals': { 'aws:PrincipalOrgID': 'o-abc123' } })], ['iam-grammar-forallvalues-single-valued', 'iam-trust-public']],
  ['{"AWS":"*"} with SecureTransport only', [assume({ AWS: '*' }, { Bool: { 'aws:SecureTransport': 'true' } })], ['iam-trust-public']],
  ['{"AWS":"*"} with SourceIp 0.0.0.0/0', [assume({ AWS: '*' }, { IpAddress: { 'aws:SourceIp': '0.0.0.0/0' } })], ['iam-trust-public']],
  ['{"AWS":"*"} with unsatisfiable condition', [assume({ AWS: '*' }, { Bool: { 'aws:SecureTransport': 'yes' } })], ['iam-grammar-unsatisfiable-condition']],
  ['{"AWS":"*"} narrowed to a foreign account by aws:PrincipalAccount', [assume({ AWS: '*' }, { StringEquals: { 'aws:PrincipalAccount': FOREIGN } })], ['iam-trust-cross-account']],
  ['{"AWS":"*"} narrowed to another organization', [assume({ AWS: '*' }, { StringEquals: { 'aws:PrincipalOrgID': 'o-other' } })], ['iam-trust-cross-account']],
  ['{"AWS":"*"} narrowed to a trusted account', [assume({ AWS: '*' }, { StringEquals: { 'aws:PrincipalAccount': '777788889999' } })], []],
  ['{"AWS":"*"} with PrincipalArn of any account (weak)', [assume({ AWS: '*' }, { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/deploy' } })], ['iam-trust-public']],
  ['{"AWS":"arn:aws:iam::*:root"} (any account)', [assume({ AWS: 'arn:aws:iam::*:root' })], ['iam-trust-public']],
  ['Allow with NotPrincipal', [{ Effect: 'Allow', NotPrincipal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'sts:AssumeRole' }], ['iam-grammar-allow-notprincipal', 'iam-trust-public']],
  ['Principal "*" but only sts:TagSession (no assume)', [assume('*', undefined, 'sts:TagSession')], []],
  ['Principal "*" with sts:* (includes assume)', [assume('*', undefined, 'sts:*')], ['iam-trust-public']],
  ['Deny statement with Principal "*" is clean', [{ Effect: 'Deny', Principal: '*', Action: 'sts:AssumeRole' }], []],
  // accounts
  ['own account root', [assume({ AWS: `arn:aws:iam::${ACCOUNT}:root` })], []],
  ['own account id', [assume({ AWS: ACCOUNT })], []],
  ['trusted account', [assume({ AWS: 'arn:aws:iam::777788889999:role/deployer' })], []],
  ['foreign account root', [assume({ AWS: `arn:aws:iam::${FOREIGN}:root` })], ['iam-trust-cross-account']],
  ['foreign account role', [assume({ AWS: [`arn:aws:iam::${ACCOUNT}:root`, `arn:aws:iam::${FOREIGN}:role/x`] })], ['iam-trust-cross-account']],
  ['foreign account with ExternalId (still reported, lower)', [assume({ AWS: FOREIGN }, { StringEquals: { 'sts:ExternalId': 'x' } })], ['iam-trust-cross-account']],
  ['foreign account restricted to own organization', [assume({ AWS: FOREIGN }, { StringEquals: { 'aws:PrincipalOrgID': 'o-abc123' } })], []],
  ['unique id principal (deleted role) names no account', [assume({ AWS: 'AROAEXAMPLEID123' })], []],
  // services
  ['lambda.amazonaws.com (same-account compute)', [assume({ Service: 'lambda.amazonaws.com' })], []],
  ['ec2.amazonaws.com', [assume({ Service: ['ec2.amazonaws.com'] })], []],
  ['events.amazonaws.com without source scoping', [assume({ Service: 'events.amazonaws.com' })], ['iam-trust-service-unscoped']],
  ['cloudtrail with aws:SourceArn', [assume({ Service: 'cloudtrail.amazonaws.com' }, { StringEquals: { 'aws:SourceArn': `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/t` } })], []],
  ['config with aws:SourceAccount', [assume({ Service: 'config.amazonaws.com' }, { StringEquals: { 'aws:SourceAccount': ACCOUNT } })], []],
  ['states with SourceAccount IfExists (weak)', [assume({ Service: 'states.amazonaws.com' }, { StringEqualsIfExists: { 'aws:SourceAccount': ACCOUNT } })], ['iam-trust-service-unscoped']],
  // OIDC
  ['GitHub OIDC without sub', [assume({ Federated: GH }, { StringEquals: { [GH_AUD]: 'sts.amazonaws.com' } }, 'sts:AssumeRoleWithWebIdentity')], ['iam-trust-oidc-unscoped']],
  ['GitHub OIDC with no condition at all', [assume({ Federated: GH }, undefined, 'sts:AssumeRoleWithWebIdentity')], ['iam-trust-oidc-unscoped']],
  ['GitHub OIDC with sub repo:org/repo:*', [assume({ Federated: GH }, { StringEquals: { [GH_AUD]: 'sts.amazonaws.com' }, StringLike: { [GH_SUB]: 'repo:org/repo:*' } }, 'sts:AssumeRoleWithWebIdentity')], []],
  ['GitHub OIDC with sub exact branch', [assume({ Federated: GH }, { StringEquals: { [GH_SUB]: 'repo:org/repo:ref:refs/heads/main' } }, 'sts:AssumeRoleWithWebIdentity')], []],
  ['GitHub OIDC with sub *', [assume({ Federated: GH }, { StringLike: { [GH_SUB]: '*' } }, 'sts:AssumeRoleWithWebIdentity')], ['iam-trust-oidc-unscoped']],
  ['GitHub OIDC with sub repo:* (any owner)', [assume({ Federated: GH }, { StringLike: { [GH_SUB]: 'repo:*' } }, 'sts:AssumeRoleWithWebIdentity')], ['iam-trust-oidc-unscoped']],
  ['GitHub OIDC with sub under StringNotLike (weak)', [assume({ Federated: GH }, { StringNotLike: { [GH_SUB]: 'repo:evil/*' } }, 'sts:AssumeRoleWithWebIdentity')], ['iam-trust-oidc-unscoped']],
  ['GitHub OIDC with sub IfExists (weak)', [assume({ Federated: GH }, { StringLikeIfExists: { [GH_SUB]: 'repo:org/*' } }, 'sts:AssumeRoleWithWebIdentity')], ['iam-trust-oidc-unscoped']],
  ['GitHub OIDC with ForAllValues sub (weak, bad grammar)', [assume({ Federated: GH }, { 'ForAllValues:StringLike': { [GH_SUB]: 'repo:org/*' } }, 'sts:AssumeRoleWithWebIdentity')], ['iam-grammar-forallvalues-single-valued', 'iam-trust-oidc-unscoped']],
  ['EKS OIDC with sub', [assume({ Federated: EKS }, { StringEquals: { 'oidc.eks.us-east-1.amazonaws.com/id/ABCDEF:sub': 'system:serviceaccount:ns:sa' } }, 'sts:AssumeRoleWithWebIdentity')], []],
  ['EKS OIDC with aud only', [assume({ Federated: EKS }, { StringEquals: { 'oidc.eks.us-east-1.amazonaws.com/id/ABCDEF:aud': 'sts.amazonaws.com' } }, 'sts:AssumeRoleWithWebIdentity')], []],
  ['EKS OIDC without conditions', [assume({ Federated: EKS }, undefined, 'sts:AssumeRoleWithWebIdentity')], ['iam-trust-oidc-unscoped']],
  ['Cognito without aud', [assume({ Federated: 'cognito-identity.amazonaws.com' }, { 'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'authenticated' } }, 'sts:AssumeRoleWithWebIdentity')], ['iam-trust-oidc-unscoped']],
  ['Cognito with aud', [assume({ Federated: 'cognito-identity.amazonaws.com' }, { StringEquals: { 'cognito-identity.amazonaws.com:aud': 'us-east-1:pool' } }, 'sts:AssumeRoleWithWebIdentity')], []],
  ['SAML provider of the account', [assume({ Federated: `arn:aws:iam::${ACCOUNT}:saml-provider/Okta` }, { StringEquals: { 'SAML:aud': 'https://signin.aws.amazon.com/saml' } }, 'sts:AssumeRoleWithSAML')], []],
];

describe('analyzeTrustPolicy (rule id sets)', () => {
  it.each(cases)('%s', (_name, statements, expected) => {
    expect(ruleIds(analyzeTrustPolicy(doc(statements), ctx))).toEqual([...expected].sort());
  });
});

describe('trust evidence and severities', () => {
  it('{"AWS":"*"} with only ExternalId: critical, says ExternalId does not restrict', () => {
    const issue = only(analyzeTrustPolicy(doc([assume({ AWS: '*' }, { StringEquals: { 'sts:ExternalId': 'abc' } })]), ctx), 'iam-trust-public');
    expect(issue.severity).toBe('critical');
    expect(issue.evidence.condition).toMatchObject({ strength: 'weak', weaknesses: [{ key: 'sts:ExternalId' }] });
    expect(JSON.stringify(issue.evidence)).not.toContain('abc');
  });

  it('cross-account: high without ExternalId, medium with', () => {
    expect(only(analyzeTrustPolicy(doc([assume({ AWS: FOREIGN })]), ctx), 'iam-trust-cross-account').severity).toBe('high');
    expect(only(analyzeTrustPolicy(doc([assume({ AWS: FOREIGN }, { StringEquals: { 'sts:ExternalId': 'x' } })]), ctx), 'iam-trust-cross-account').severity).toBe('medium');
  });

  it('GitHub OIDC unscoped is critical and names the provider; EKS is high', () => {
    const gh = only(analyzeTrustPolicy(doc([assume({ Federated: GH }, undefined, 'sts:AssumeRoleWithWebIdentity')]), ctx), 'iam-trust-oidc-unscoped');
    expect(gh).toMatchObject({ severity: 'critical', evidence: { provider: 'token.actions.githubusercontent.com' } });
    const eks = only(analyzeTrustPolicy(doc([assume({ Federated: EKS }, undefined, 'sts:AssumeRoleWithWebIdentity')]), ctx), 'iam-trust-oidc-unscoped');
    expect(eks.severity).toBe('high');
  });

  it('analyzePrincipal includes the trust policy of a role', () => {
    const issues = analyzePrincipal(role([], { policies: [], trustPolicy: doc([assume('*')]) }));
    expect(ruleIds(issues)).toEqual(['iam-trust-public']);
  });

  const accounts: readonly [string, string | undefined][] = [
    ['*', '*'],
    ['111122223333', '111122223333'],
    ['arn:aws:iam::111122223333:root', '111122223333'],
    ['arn:aws-cn:iam::111122223333:role/x', '111122223333'],
    ['arn:aws:sts::111122223333:assumed-role/r/s', '111122223333'],
    ['arn:aws:iam::*:root', '*'],
    ['AROAEXAMPLE', undefined],
  ];
  it.each(accounts)('principalAccount(%s) = %s', (value, expected) => {
    expect(principalAccount(value)).toBe(expected);
  });

  it('oidcIssuer reads provider ARNs and bare names, not SAML providers', () => {
    expect(oidcIssuer(GH)).toBe('token.actions.githubusercontent.com');
    expect(oidcIssuer('accounts.google.com')).toBe('accounts.google.com');
    expect(oidcIssuer(`arn:aws:iam::${ACCOUNT}:saml-provider/Okta`)).toBeUndefined();
  });
});
