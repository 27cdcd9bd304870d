import type { PrincipalPolicies } from '../../../domain/policy/analyze';
import { ACCOUNT, doc, inline, role, USER_ARN } from './builders';

/** [name, principal, expected rule ids] — shared by the table test and the benchmark. */
export type IdentityCase = readonly [string, PrincipalPolicies, readonly string[]];

const allow = (Action: unknown, Resource: unknown = '*', extra: Record<string, unknown> = {}): Record<string, unknown> => ({ Effect: 'Allow', Action, Resource, ...extra });
const deny = (Action: unknown, Resource: unknown = '*', extra: Record<string, unknown> = {}): Record<string, unknown> => ({ Effect: 'Deny', Action, Resource, ...extra });
const R = 'arn:aws:iam::' + ACCOUNT + ':role';

export const IDENTITY_CASES: readonly IdentityCase[] = [
  // 1. admin-equivalent
  ['Action * Resource *', role([allow('*')]), ['iam-admin-equivalent']],
  ['Action *:* Resource *', role([allow('*:*')]), ['iam-admin-equivalent']],
  ['Action * with MFA condition (weak) is still admin', role([allow('*', '*', { Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } })]), ['iam-admin-equivalent']],
  ['Action * split over two statements', role([allow(['*']), allow('s3:GetObject', 'arn:aws:s3:::b/*')]), ['iam-admin-equivalent']],
  ['NotAction with nothing excluded of note: NotAction nosuch:thing', role([{ Effect: 'Allow', NotAction: 'nosuch:thing', Resource: '*' }]), ['iam-admin-equivalent', 'iam-grammar-allow-notaction', 'iam-grammar-unknown-action']],
  ['all actions but only on one bucket is not admin', role([allow('*', 'arn:aws:s3:::bucket/*')]), []],
  ['iam:PutRolePolicy on itself is admin-equivalent (self-escalation)', role([allow('iam:PutRolePolicy', `${R}/app`)]), ['iam-admin-equivalent']],
  ['iam:AttachRolePolicy on a role pattern reaching itself (and other roles)', role([allow('iam:AttachRolePolicy', `${R}/a*`)]), ['iam-admin-equivalent', 'iam-privilege-escalation']],
  ['iam:PutRolePolicy on another specific role is not self-escalation', role([allow('iam:PutRolePolicy', `${R}/other`)]), []],
  ['user: iam:PutUserPolicy on ${aws:username} (2012) reaches itself', { kind: 'user', arn: USER_ARN, accountId: ACCOUNT, policies: [inline([allow('iam:PutUserPolicy', `arn:aws:iam::${ACCOUNT}:user/\${aws:username}`)])] }, ['iam-admin-equivalent']],
  ['user: same under Version 2008-10-17 compares ${aws:username} literally', { kind: 'user', arn: USER_ARN, accountId: ACCOUNT, policies: [inline([allow('iam:PutUserPolicy', `arn:aws:iam::${ACCOUNT}:user/\${aws:username}`)], 'inline', '2008-10-17')] }, ['iam-grammar-policy-variable-literal']],
  ['user: missing Version also compares literally', { kind: 'user', arn: USER_ARN, accountId: ACCOUNT, policies: [inline([allow('iam:PutUserPolicy', `arn:aws:iam::${ACCOUNT}:user/\${aws:username}`)], 'inline', null)] }, ['iam-grammar-policy-variable-literal']],
  ['user: iam:CreateAccessKey on own user via variable is fine', { kind: 'user', arn: USER_ARN, accountId: ACCOUNT, policies: [inline([allow(['iam:CreateAccessKey', 'iam:ListAccessKeys'], `arn:aws:iam::${ACCOUNT}:user/\${aws:username}`)])] }, []],
  ['group: iam:AttachGroupPolicy on itself', { kind: 'group', arn: `arn:aws:iam::${ACCOUNT}:group/devs`, accountId: ACCOUNT, policies: [inline([allow('iam:AttachGroupPolicy', `arn:aws:iam::${ACCOUNT}:group/devs`)])] }, ['iam-admin-equivalent']],
  ['CreatePolicyVersion on an attached customer policy', { ...role([]), policies: [{ name: 'app-policy', arn: `arn:aws:iam::${ACCOUNT}:policy/app-policy`, source: 'managed', document: doc([allow('iam:CreatePolicyVersion', `arn:aws:iam::${ACCOUNT}:policy/app-policy`)]) }] }, ['iam-admin-equivalent']],
  ['with a boundary, PutRolePolicy on itself cannot exceed the boundary', role([allow('iam:PutRolePolicy', `${R}/app`)], { boundary: doc([allow(['iam:PutRolePolicy', 's3:GetObject'])]) }), []],
  ['with a boundary, DeleteRolePermissionsBoundary on itself lifts it', role([allow('iam:DeleteRolePermissionsBoundary', `${R}/app`)], { boundary: doc([allow('iam:DeleteRolePermissionsBoundary')]) }), ['iam-admin-equivalent']],
  ['standalone policy: iam:PutRolePolicy on * escalates whoever holds it', { kind: 'policy', arn: `arn:aws:iam::${ACCOUNT}:policy/p`, accountId: ACCOUNT, policies: [inline([allow('iam:PutRolePolicy')])] }, ['iam-admin-equivalent', 'iam-privilege-escalation', 'iam-resource-exposure']],
  ['customer policy NAMED AdministratorAccess with a narrow document is clean', { ...role([]), policies: [{ name: 'AdministratorAccess', arn: `arn:aws:iam::${ACCOUNT}:policy/AdministratorAccess`, source: 'managed', document: doc([allow('s3:GetObject', 'arn:aws:s3:::b/*')]) }] }, []],

  // wildcards in the service prefix and unknown services (fail closed)
  ['i*:* expands across iam, iot, … (and future i* services)', role([allow('i*:*')]), ['iam-admin-equivalent', 'iam-credentials-exposure', 'iam-defense-evasion', 'iam-grammar-service-prefix-wildcard', 'iam-passrole-unrestricted', 'iam-privilege-escalation', 'iam-resource-exposure', 'iam-service-wildcard']],
  ['*am:Put* reaches iam:PutRolePolicy', role([allow('*am:Put*')]), ['iam-admin-equivalent', 'iam-grammar-service-prefix-wildcard', 'iam-privilege-escalation', 'iam-resource-exposure']],
  ['unknown service prefix is reported, not ignored', role([allow('newservice:*')]), ['iam-grammar-unknown-action']],
  ['known read-only families stay clean: iam:Get*, iam:List*', role([allow(['iam:Get*', 'iam:List*'])]), []],

  // 2. privilege escalation
  ['IAM:PassRole + lambda:CreateFunction + lambda:InvokeFunction on *', role([allow(['IAM:PassRole', 'lambda:CreateFunction', 'lambda:InvokeFunction'])]), ['iam-passrole-unrestricted', 'iam-privilege-escalation']],
  ['the same path spread over two policies', { ...role([]), policies: [inline([allow('iam:PassRole')], 'a'), inline([allow(['lambda:CreateFunction', 'lambda:InvokeFunction'])], 'b')] }, ['iam-passrole-unrestricted', 'iam-privilege-escalation']],
  ['PassRole limited to one role + CreateFunction is not a path', role([allow('iam:PassRole', `${R}/lambda-exec`), allow(['lambda:CreateFunction', 'lambda:InvokeFunction'])]), []],
  ['iam:CreateAccessKey on *', role([allow('iam:CreateAccessKey')]), ['iam-credentials-exposure', 'iam-privilege-escalation']],
  ['iam:CreateAccessKey on all users of the account', role([allow('iam:CreateAccessKey', `arn:aws:iam::${ACCOUNT}:user/*`)]), ['iam-credentials-exposure', 'iam-privilege-escalation']],
  ['iam:CreateAccessKey on roles only reaches nothing', role([allow('iam:CreateAccessKey', `${R}/*`)]), []],
  ['lambda:UpdateFunctionCode on * (existing privileged resource)', role([allow('lambda:UpdateFunctionCode')]), ['iam-privilege-escalation']],
  ['lambda:UpdateFunctionCode on one function is fine', role([allow('lambda:UpdateFunctionCode', 'arn:aws:lambda:us-east-1:111122223333:function:app')]), []],
  ['iam:AttachUserPolicy on *', role([allow('iam:AttachUserPolicy')]), ['iam-privilege-escalation', 'iam-resource-exposure']],
  ['sts:AssumeRole on *', role([allow('sts:AssumeRole')]), ['iam-credentials-exposure', 'iam-privilege-escalation']],
  ['sts:AssumeRole on one role is fine', role([allow('sts:AssumeRole', `arn:aws:iam::${ACCOUNT}:role/reader`)]), []],
  ['iam:Put* on * (pattern combination)', role([allow('iam:Put*')]), ['iam-admin-equivalent', 'iam-privilege-escalation', 'iam-resource-exposure']],
  ['privesc whose only grant is conditioned on a restricting key is still reported (lower)', role([allow('lambda:UpdateFunctionCode', '*', { Condition: { StringEquals: { 'aws:ResourceTag/team': 'a' } } })]), ['iam-privilege-escalation']],
  ['privesc removed by an unconditional Deny', role([allow(['iam:PassRole', 'lambda:CreateFunction']), deny('iam:PassRole')]), []],
  ['Deny with an always-true condition subtracts', role([allow('lambda:UpdateFunctionCode'), deny('lambda:UpdateFunctionCode', '*', { Condition: { StringLike: { 'aws:PrincipalArn': '*' } } })]), []],
  ['self-attach limited by iam:PolicyARN is not self-escalation', role([allow('iam:AttachRolePolicy', `${R}/app`, { Condition: { ArnEquals: { 'iam:PolicyARN': 'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore' } } })]), []],
  ['Deny with a condition does not subtract', role([allow('lambda:UpdateFunctionCode'), deny('lambda:UpdateFunctionCode', '*', { Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'false' } } })]), ['iam-privilege-escalation']],
  ['a condition that can never hold grants nothing', role([allow('lambda:UpdateFunctionCode', '*', { Condition: { Bool: { 'aws:SecureTransport': 'maybe' } } })]), ['iam-grammar-unsatisfiable-condition']],

  // 3. PassRole
  ['iam:PassRole on * without PassedToService', role([allow('iam:PassRole')]), ['iam-passrole-unrestricted']],
  ['iam:PassRole on * with PassedToService', role([allow('iam:PassRole', '*', { Condition: { StringEquals: { 'iam:PassedToService': 'lambda.amazonaws.com' } } })]), []],
  ['iam:PassRole on a wildcard role without PassedToService', role([allow('iam:PassRole', `${R}/app-*`)]), ['iam-passrole-unrestricted']],
  ['iam:PassRole on a specific role', role([allow('iam:PassRole', `${R}/app-exec`)]), []],
  ['iam:PassRole with PassedToService * (weak)', role([allow('iam:PassRole', '*', { Condition: { StringLike: { 'iam:PassedToService': '*' } } })]), ['iam-passrole-unrestricted']],
  ['iam:PassRole with PassedToServiceIfExists (weak)', role([allow('iam:PassRole', '*', { Condition: { StringEqualsIfExists: { 'iam:PassedToService': 'ec2.amazonaws.com' } } })]), ['iam-passrole-unrestricted']],
  ['iam:Pass* on * counts as PassRole', role([allow('iam:Pass*')]), ['iam-passrole-unrestricted']],

  // 4. exposure, credentials, exfiltration, evasion
  ['s3:PutBucketPolicy on * (resource exposure)', role([allow('s3:PutBucketPolicy')]), ['iam-resource-exposure']],
  ['s3:PutBucketPolicy on one bucket', role([allow('s3:PutBucketPolicy', 'arn:aws:s3:::b')]), []],
  ['kms:PutKeyPolicy on account keys', role([allow('kms:PutKeyPolicy', `arn:aws:kms:us-east-1:${ACCOUNT}:key/*`)]), ['iam-resource-exposure']],
  ['ec2:GetPasswordData on *', role([allow('ec2:GetPasswordData')]), ['iam-credentials-exposure']],
  ['secretsmanager:GetSecretValue on *', role([allow('secretsmanager:GetSecretValue')]), ['iam-data-exfiltration']],
  ['secretsmanager:GetSecretValue on one secret', role([allow('secretsmanager:GetSecretValue', `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:db-AbCdEf`)]), []],
  ['ssm:GetParametersByPath on all account parameters', role([allow('ssm:GetParametersByPath', `arn:aws:ssm:us-east-1:${ACCOUNT}:parameter/*`)]), ['iam-data-exfiltration']],
  ['s3:GetObject on * (data)', role([allow('s3:GetObject')]), ['iam-data-exfiltration']],
  ['s3:GetObject on arn:aws:s3:::* (all buckets)', role([allow('s3:GetObject', 'arn:aws:s3:::*')]), ['iam-data-exfiltration']],
  ['s3:GetObject on one bucket', role([allow('s3:GetObject', 'arn:aws:s3:::b/*')]), []],
  ['s3:GetObject on * minus a Deny on one prefix is still broad', role([allow('s3:GetObject'), deny('s3:GetObject', 'arn:aws:s3:::logs/*')]), ['iam-data-exfiltration']],
  ['s3:GetObject on * minus a Deny on arn:aws:s3:::* (covers)', role([allow('s3:GetObject', 'arn:aws:s3:::*'), deny('s3:*', 'arn:aws:s3:::*')]), []],
  ['cloudtrail:StopLogging on *', role([allow('cloudtrail:StopLogging')]), ['iam-defense-evasion']],
  ['guardduty:DeleteDetector on *', role([allow('guardduty:DeleteDetector')]), ['iam-defense-evasion']],
  ['logs:DeleteLogGroup on account log groups', role([allow('logs:DeleteLogGroup', `arn:aws:logs:*:${ACCOUNT}:log-group:*`)]), ['iam-defense-evasion']],
  ['read-only describe actions are clean', role([allow(['ec2:Describe*', 'cloudwatch:GetMetricData', 'logs:DescribeLogGroups'])]), []],

  // 5. service wildcards
  ['s3:* on *', role([allow('s3:*')]), ['iam-data-exfiltration', 'iam-defense-evasion', 'iam-resource-exposure', 'iam-service-wildcard']],
  ['dynamodb:* on *', role([allow('dynamodb:*')]), ['iam-data-exfiltration', 'iam-resource-exposure', 'iam-service-wildcard']],
  ['sqs:* on all account queues is not a full wildcard (sqs:ListQueues needs *)', role([allow('sqs:*', `arn:aws:sqs:*:${ACCOUNT}:*`)]), ['iam-data-exfiltration', 'iam-resource-exposure']],
  ['sqs:* on one queue', role([allow('sqs:*', `arn:aws:sqs:us-east-1:${ACCOUNT}:jobs`)]), []],
  ['a union equal to cloudwatch:* is a service wildcard', role([allow(['cloudwatch:Get*', 'cloudwatch:List*', 'cloudwatch:Describe*', 'cloudwatch:Put*', 'cloudwatch:Delete*', 'cloudwatch:*'])]), ['iam-defense-evasion', 'iam-resource-exposure', 'iam-service-wildcard']],

  // boundaries, denies, aggregation
  ['Deny-only policy is clean', role([deny('*')]), []],
  ['empty Statement is clean', role([]), []],
  ['Allow * minus Deny * is clean', role([allow('*'), deny('*')]), []],
  ['Allow * minus Deny NotAction s3:* leaves s3:*', role([allow('*'), { Effect: 'Deny', NotAction: 's3:*', Resource: '*' }]), ['iam-data-exfiltration', 'iam-defense-evasion', 'iam-resource-exposure', 'iam-service-wildcard']],
  ['Deny in another policy still subtracts', { ...role([]), policies: [inline([allow('iam:PassRole')], 'a'), inline([deny('iam:*')], 'b')] }, []],
  ['group policies aggregate with the user\'s', { kind: 'user', arn: USER_ARN, accountId: ACCOUNT, policies: [inline([allow('iam:PassRole')]), { name: 'g', source: 'group-inline', document: doc([allow('lambda:CreateFunction')]) }] }, ['iam-passrole-unrestricted', 'iam-privilege-escalation']],
  ['boundary without the action makes it ineffective', role([allow('*')], { boundary: doc([allow('s3:GetObject', 'arn:aws:s3:::b/*')]) }), []],
  ['boundary narrows the resource of a broad grant', role([allow('s3:*')], { boundary: doc([allow('s3:*', 'arn:aws:s3:::b/*')]) }), []],
  ['boundary that allows everything keeps admin', role([allow('*')], { boundary: doc([allow('*')]) }), ['iam-admin-equivalent']],
  ['boundary with a Deny on iam:* removes escalation', role([allow(['iam:CreateAccessKey', 's3:GetObject'], '*')], { boundary: doc([allow('*'), deny('iam:*')]) }), ['iam-data-exfiltration']],
  ['boundary that only allows something else: nothing effective', role([allow('iam:PassRole')], { boundary: doc([allow('s3:*')]) }), []],
];
