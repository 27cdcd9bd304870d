import { assessGrantCondition, assessPrincipalRestriction, isAlwaysTrue, type ConditionStrength } from '../../../domain/policy/conditions';
import { decodeCondition } from '../../../domain/policy/decode-condition';

const ctx = { accountId: '111122223333', orgId: 'o-abc123' };

describe('assessPrincipalRestriction', () => {
  const cases: readonly [string, unknown, ConditionStrength][] = [
    ['no condition', undefined, 'none'],
    ['empty object', {}, 'none'],
    ['PrincipalOrgID', { StringEquals: { 'aws:PrincipalOrgID': 'o-abc123' } }, 'restricting'],
    ['PrincipalOrgID key in other case', { StringEquals: { 'AWS:principalorgid': 'o-abc123' } }, 'restricting'],
    ['PrincipalOrgPaths ForAnyValue', { 'ForAnyValue:StringLike': { 'aws:PrincipalOrgPaths': 'o-abc123/r-ab12/*' } }, 'restricting'],
    ['PrincipalAccount', { StringEquals: { 'aws:PrincipalAccount': ['111122223333'] } }, 'restricting'],
    ['PrincipalArn ArnLike', { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/app-*' } }, 'restricting'],
    ['SourceArn ArnEquals', { ArnEquals: { 'aws:SourceArn': 'arn:aws:s3:::bucket' } }, 'restricting'],
    ['SourceAccount', { StringEquals: { 'aws:SourceAccount': '111122223333' } }, 'restricting'],
    ['SourceOwner', { StringEquals: { 'aws:SourceOwner': '111122223333' } }, 'restricting'],
    ['SourceVpce', { StringEquals: { 'aws:SourceVpce': 'vpce-1a2b3c4d' } }, 'restricting'],
    ['SourceVpc', { StringEquals: { 'aws:SourceVpc': 'vpc-111bbb22' } }, 'restricting'],
    ['userid', { StringLike: { 'aws:userid': 'AROAEXAMPLE:*' } }, 'restricting'],
    ['PrincipalServiceName (decided: restricting)', { StringEquals: { 'aws:PrincipalServiceName': 'cloudtrail.amazonaws.com' } }, 'restricting'],
    ['ExternalId alone is weak', { StringEquals: { 'sts:ExternalId': 'secret-123' } }, 'weak'],
    ['FunctionUrlAuthType alone is weak', { StringEquals: { 'lambda:FunctionUrlAuthType': 'NONE' } }, 'weak'],
    ['SecureTransport is weak', { Bool: { 'aws:SecureTransport': 'true' } }, 'weak'],
    ['CurrentTime is weak', { DateLessThan: { 'aws:CurrentTime': '2030-01-01T00:00:00Z' } }, 'weak'],
    ['SourceIp 0.0.0.0/0 is weak', { IpAddress: { 'aws:SourceIp': '0.0.0.0/0' } }, 'weak'],
    ['SourceIp ::/0 is weak', { IpAddress: { 'aws:SourceIp': '::/0' } }, 'weak'],
    ['SourceIp narrow CIDR restricts (decided)', { IpAddress: { 'aws:SourceIp': ['203.0.113.0/24'] } }, 'restricting'],
    ['SourceIp one wide range among narrow is weak', { IpAddress: { 'aws:SourceIp': ['203.0.113.0/24', '0.0.0.0/1'] } }, 'weak'],
    ['NotIpAddress is weak', { NotIpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }, 'weak'],
    ['StringNotEquals is weak', { StringNotEquals: { 'aws:PrincipalOrgID': 'o-other' } }, 'weak'],
    ['StringNotLike is weak', { StringNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/x' } }, 'weak'],
    ['IfExists is weak', { StringEqualsIfExists: { 'aws:PrincipalOrgID': 'o-abc123' } }, 'weak'],
    ['Null is weak', { Null: { 'aws:PrincipalOrgID': 'false' } }, 'weak'],
    ['wildcard-only value is weak', { StringLike: { 'aws:PrincipalOrgID': '*' } }, 'weak'],
    ['one wildcard-only value among several is weak', { StringLike: { 'aws:PrincipalArn': ['arn:aws:iam::1:role/a', '*'] } }, 'weak'],
    ['StringEquals with wildcard is weak (literal)', { StringEquals: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/a' } }, 'weak'],
    ['ForAllValues on single-valued key is weak', { 'ForAllValues:StringEquals': { 'aws:PrincipalOrgID': 'o-abc123' } }, 'weak'],
    ['ExternalId plus OrgID restricts', { StringEquals: { 'sts:ExternalId': 'x', 'aws:PrincipalOrgID': 'o-abc123' } }, 'restricting'],
    ['GitHub sub pinned', { StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:org/repo:*' } }, 'restricting'],
    ['GitHub sub owner wildcard', { StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:*' } }, 'weak'],
    ['GitHub sub owner prefix wildcard', { StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:org*/x:*' } }, 'weak'],
    ['GitHub aud alone is weak', { StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' } }, 'weak'],
    ['generic OIDC aud restricts', { StringEquals: { 'oidc.eks.us-east-1.amazonaws.com/id/ABC:aud': 'sts.amazonaws.com' } }, 'restricting'],
    ['Cognito aud restricts', { StringEquals: { 'cognito-identity.amazonaws.com:aud': 'us-east-1:pool' } }, 'restricting'],
    ['Bool with non-boolean value is unsatisfiable', { Bool: { 'aws:SecureTransport': 'yes' } }, 'unsatisfiable'],
    ['two StringEquals on same key disagree', { StringEquals: { 'aws:SourceAccount': '1', 'aws:sourceaccount': '2' } }, 'unsatisfiable'],
    ['StringEquals vs StringNotEquals same value', { StringEquals: { 'aws:PrincipalOrgID': 'o-1' }, StringNotEquals: { 'aws:PrincipalOrgID': 'o-1' } }, 'unsatisfiable'],
    ['StringEquals vs StringLike no overlap', { StringEquals: { 'aws:PrincipalArn': 'arn:aws:iam::1:role/a' }, StringLike: { 'aws:PrincipalArn': 'arn:aws:iam::2:*' } }, 'unsatisfiable'],
    ['StringEquals vs StringLike overlap', { StringEquals: { 'aws:PrincipalArn': 'arn:aws:iam::1:role/a' }, StringLike: { 'aws:PrincipalArn': 'arn:aws:iam::1:*' } }, 'restricting'],
    ['Null true plus equality on same key', { Null: { 'aws:PrincipalOrgID': 'true' }, StringEquals: { 'aws:PrincipalOrgID': 'o-1' } }, 'unsatisfiable'],
    ['empty value list', { StringEquals: { 'aws:PrincipalOrgID': [] } }, 'unsatisfiable'],
    ['JSON text form', '{"StringEquals":{"aws:PrincipalOrgID":"o-abc123"}}', 'restricting'],
    ['URL-encoded form', encodeURIComponent('{"StringEquals":{"aws:PrincipalOrgID":"o-abc123"}}'), 'restricting'],
    ['malformed block fails closed as weak', { StringEquals: 'oops' }, 'weak'],
    ['invalid JSON text fails closed as weak', '{nope', 'weak'],
    ['unknown key is weak', { StringEquals: { 'aws:RequestedRegion': 'eu-west-1' } }, 'weak'],
    ['PrincipalArn with a wildcard account is weak', { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/deploy' } }, 'weak'],
    ['SourceArn of a bucket (no account part) restricts', { ArnLike: { 'aws:SourceArn': 'arn:aws:s3:::my-bucket' } }, 'restricting'],
    ['SourceArn of any bucket is weak', { ArnLike: { 'aws:SourceArn': 'arn:aws:s3:::*' } }, 'weak'],
  ];

  it.each(cases)('%s', (_name, condition, expected) => {
    expect(assessPrincipalRestriction(condition, ctx).strength).toBe(expected);
  });

  it('names the restricting keys and the weaknesses', () => {
    const result = assessPrincipalRestriction({ StringEquals: { 'sts:ExternalId': 'x', 'aws:PrincipalOrgID': 'o-1' } }, ctx);
    expect(result.restrictingKeys).toEqual(['aws:PrincipalOrgID']);
    expect(result.weaknesses).toEqual([{ key: 'sts:ExternalId', operator: 'StringEquals', why: expect.stringContaining('ExternalId') as unknown }]);
  });

  const foreign: readonly [string, unknown, boolean | undefined][] = [
    ['own account', { StringEquals: { 'aws:PrincipalAccount': '111122223333' } }, false],
    ['foreign account', { StringEquals: { 'aws:PrincipalAccount': '444455556666' } }, true],
    ['own organization', { StringEquals: { 'aws:PrincipalOrgID': 'o-abc123' } }, false],
    ['foreign organization', { StringEquals: { 'aws:PrincipalOrgID': 'o-other' } }, true],
    ['foreign role ARN', { ArnEquals: { 'aws:PrincipalArn': 'arn:aws:iam::444455556666:role/x' } }, true],
    ['foreign account but own VPC endpoint', { StringEquals: { 'aws:PrincipalAccount': '444455556666', 'aws:SourceVpce': 'vpce-1' } }, false],
    ['not restricting at all', { StringEquals: { 'sts:ExternalId': 'x' } }, undefined],
  ];
  it.each(foreign)('crossAccount: %s', (_name, condition, expected) => {
    expect(assessPrincipalRestriction(condition, ctx).crossAccount).toBe(expected);
  });

  it('explains an unsatisfiable block', () => {
    const result = assessPrincipalRestriction({ Bool: { 'aws:SecureTransport': 'maybe' } }, ctx);
    expect(result.unsatisfiableReason).toContain('neither true nor false');
  });
});

describe('assessGrantCondition', () => {
  const cases: readonly [string, unknown, ConditionStrength][] = [
    ['no condition', undefined, 'none'],
    ['PassedToService', { StringEquals: { 'iam:PassedToService': 'lambda.amazonaws.com' } }, 'restricting'],
    ['RequestedRegion', { StringEquals: { 'aws:RequestedRegion': ['eu-west-1'] } }, 'restricting'],
    ['ResourceTag', { StringEquals: { 'aws:ResourceTag/team': 'payments' } }, 'restricting'],
    ['service-specific key', { StringLike: { 's3:prefix': 'home/${aws:username}/*' } }, 'restricting'],
    ['MFA present is weak', { Bool: { 'aws:MultiFactorAuthPresent': 'true' } }, 'weak'],
    ['SecureTransport is weak', { Bool: { 'aws:SecureTransport': 'true' } }, 'weak'],
    ['PassedToService wildcard is weak', { StringLike: { 'iam:PassedToService': '*' } }, 'weak'],
    ['PassedToService IfExists is weak', { StringEqualsIfExists: { 'iam:PassedToService': 'ec2.amazonaws.com' } }, 'weak'],
    ['negated region is weak', { StringNotEquals: { 'aws:RequestedRegion': 'us-east-1' } }, 'weak'],
    ['unsatisfiable Bool', { Bool: { 'aws:MultiFactorAuthPresent': 'sure' } }, 'unsatisfiable'],
    ['PrincipalTag is weak', { StringEquals: { 'aws:PrincipalTag/team': 'x' } }, 'weak'],
  ];

  it.each(cases)('%s', (_name, condition, expected) => {
    expect(assessGrantCondition(condition).strength).toBe(expected);
  });
});

describe('isAlwaysTrue (for Deny subtraction)', () => {
  const cases: readonly [string, unknown, boolean][] = [
    ['no condition', undefined, true],
    ['StringLike aws:PrincipalArn *', { StringLike: { 'aws:PrincipalArn': '*' } }, true],
    ['StringLikeIfExists on any key with *', { StringLikeIfExists: { 'aws:ResourceTag/x': '*' } }, true],
    ['Bool SecureTransport true and false', { Bool: { 'aws:SecureTransport': ['true', 'false'] } }, true],
    ['Null CurrentTime false', { Null: { 'aws:CurrentTime': 'false' } }, true],
    ['StringLike on a key that may be missing', { StringLike: { 'aws:ResourceTag/x': '*' } }, false],
    ['Bool SecureTransport false only', { Bool: { 'aws:SecureTransport': 'false' } }, false],
    ['StringEquals with * (literal)', { StringEquals: { 'aws:PrincipalArn': '*' } }, false],
    ['one always-true clause and one real one', { StringLike: { 'aws:PrincipalArn': '*' }, StringEquals: { 'aws:RequestedRegion': 'us-east-1' } }, false],
  ];
  it.each(cases)('%s', (_name, condition, expected) => {
    expect(isAlwaysTrue(decodeCondition(condition))).toBe(expected);
  });
});
