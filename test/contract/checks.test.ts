/**
 * The contract checks against synthetic templates and registries: each check must report what it
 * exists to catch, or the contract tests on the real template would pass vacuously.
 */
import {
  asyncWithoutDeadLetters,
  functionLogicalId,
  missingDetectorPermissions,
  missingRemediationPermissions,
  missingRules,
  referencedLogicalId,
  roleProblems,
  unfilteredRules,
  unusedPermissions,
  roleActions,
  wildcardAllows,
  type CfnResource,
  type CfnTemplate,
  type DetectorContract,
  type Json,
  type JsonObject,
} from './checks';

const cloudTrail = 'AWS API Call via CloudTrail';

function role(statements: JsonObject[]): CfnResource {
  return {
    Type: 'AWS::IAM::Role',
    Properties: {
      AssumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      },
      Policies: [{ PolicyName: 'p', PolicyDocument: { Version: '2012-10-17', Statement: statements } }],
    },
  };
}

function lambda(roleRef: Json): CfnResource {
  return { Type: 'AWS::Lambda::Function', Properties: { Handler: 'h.handler', Role: roleRef } };
}

const notWarden: Json = [
  { userIdentity: { sessionContext: { sessionIssuer: { arn: [{ exists: false }] } } } },
  { userIdentity: { sessionContext: { sessionIssuer: { arn: [{ 'anything-but': ['arn:aws:iam::1:role/warden'] }] } } } },
];

function rule(source: string, eventNames: Json[], target: string, extraDetail: JsonObject = {}): CfnResource {
  return {
    Type: 'AWS::Events::Rule',
    Properties: {
      EventPattern: {
        source: [source],
        'detail-type': [cloudTrail],
        detail: { eventSource: [`${source.slice(4)}.amazonaws.com`], eventName: eventNames, ...extraDetail },
      },
      Targets: [
        {
          Id: 't',
          Arn: { 'Fn::GetAtt': [target, 'Arn'] },
          RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 3600 },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': ['Dlq', 'Arn'] } },
        },
      ],
    },
  };
}

const filtered: JsonObject = { errorCode: [{ exists: false }], $or: notWarden };

function invokeConfig(fn: string): CfnResource {
  return {
    Type: 'AWS::Lambda::EventInvokeConfig',
    Properties: {
      FunctionName: { Ref: fn },
      Qualifier: '$LATEST',
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: 3600,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': ['Dlq', 'Arn'] } } },
    },
  };
}

/** A small template that satisfies every check; tests break one thing at a time. */
function goodTemplate(): Record<string, CfnResource> {
  return {
    DetectIamRole: role([{ Effect: 'Allow', Action: ['iam:GetRole', 'iam:List*Policies'], Resource: '*' }]),
    DetectLambdaRole: role([{ Effect: 'Allow', Action: 'lambda:GetFunction', Resource: '*' }]),
    RemediateRole: role([{ Effect: 'Allow', Action: ['iam:DetachRolePolicy'], Resource: '*' }]),
    DetectIamLambdaFunction: lambda({ 'Fn::GetAtt': ['DetectIamRole', 'Arn'] }),
    DetectLambdaLambdaFunction: lambda({ 'Fn::Sub': '${DetectLambdaRole.Arn}' }),
    RemediateLambdaFunction: lambda({ 'Fn::GetAtt': 'RemediateRole.Arn' }),
    DetectIamLambdaEvConf: invokeConfig('DetectIamLambdaFunction'),
    DetectLambdaLambdaEvConf: invokeConfig('DetectLambdaLambdaFunction'),
    RemediateLambdaEvConf: invokeConfig('RemediateLambdaFunction'),
    IamRule: rule('aws.iam', ['CreateRole', 'PutRolePolicy'], 'DetectIamLambdaFunction', filtered),
    LambdaRule: rule('aws.lambda', [{ prefix: 'UpdateFunctionConfiguration' }, { prefix: 'AddPermission' }], 'DetectLambdaLambdaFunction', filtered),
  };
}

function template(resources: Record<string, CfnResource>): CfnTemplate {
  return { Resources: resources };
}

function detector(overrides: Partial<DetectorContract> & Pick<DetectorContract, 'trigger'>): DetectorContract {
  return { metadata: { id: 'synthetic' }, runsIn: 'detectIam', permissions: [], ...overrides };
}

const iamDetector = detector({ trigger: { source: 'aws.iam', eventNames: ['CreateRole', 'PutRolePolicy'] }, permissions: ['iam:GetRole'] });
const lambdaDetector = detector({
  runsIn: 'detectLambda',
  trigger: { source: 'aws.lambda', eventNames: ['UpdateFunctionConfiguration', 'AddPermission'] },
  permissions: ['lambda:GetFunction'],
});

describe('the synthetic good template', () => {
  const good = template(goodTemplate());

  it('passes every check', () => {
    expect(roleProblems(good)).toEqual([]);
    expect(wildcardAllows(good)).toEqual([]);
    expect(missingRules(good, [iamDetector, lambdaDetector])).toEqual([]);
    expect(missingDetectorPermissions(good, [iamDetector, lambdaDetector])).toEqual([]);
    expect(missingRemediationPermissions(good, [{ id: 'detach', permissions: ['iam:DetachRolePolicy'] }])).toEqual([]);
    expect(unfilteredRules(good)).toEqual([]);
    expect(asyncWithoutDeadLetters(good)).toEqual([]);
  });
});

describe('referencedLogicalId and functionLogicalId', () => {
  it.each<[Json, string | undefined]>([
    [{ Ref: 'A' }, 'A'],
    [{ 'Fn::GetAtt': ['A', 'Arn'] }, 'A'],
    [{ 'Fn::GetAtt': 'A.Arn' }, 'A'],
    [{ 'Fn::Sub': '${A.Arn}' }, 'A'],
    [{ 'Fn::Sub': 'arn:${AWS::Partition}:iam::1:role/x' }, undefined],
    ['arn:aws:iam::1:role/x', undefined],
  ])('%j → %s', (value, expected) => {
    expect(referencedLogicalId(value)).toBe(expected);
  });

  it('follows osls naming', () => {
    expect(functionLogicalId('detectIam')).toBe('DetectIamLambdaFunction');
    expect(functionLogicalId('notifySlack')).toBe('NotifySlackLambdaFunction');
  });
});

describe('roleProblems', () => {
  it('reports the default role', () => {
    const resources = goodTemplate();
    resources.IamRoleLambdaExecution = role([]);
    expect(roleProblems(template(resources))).toEqual(['the default role IamRoleLambdaExecution exists']);
  });

  it('reports a function running as the default role', () => {
    const resources = goodTemplate();
    resources.IamRoleLambdaExecution = role([]);
    resources.DetectIamLambdaFunction = lambda({ 'Fn::GetAtt': ['IamRoleLambdaExecution', 'Arn'] });
    expect(roleProblems(template(resources))).toContain('function DetectIamLambdaFunction uses the default role');
  });

  it('reports a shared role', () => {
    const resources = goodTemplate();
    resources.DetectLambdaLambdaFunction = lambda({ 'Fn::GetAtt': ['DetectIamRole', 'Arn'] });
    expect(roleProblems(template(resources))).toEqual(['role DetectIamRole is shared by DetectIamLambdaFunction, DetectLambdaLambdaFunction']);
  });

  it('reports a role that is not in the template', () => {
    const resources = goodTemplate();
    resources.DetectIamLambdaFunction = lambda('arn:aws:iam::123456789012:role/somewhere');
    expect(roleProblems(template(resources))).toEqual(['function DetectIamLambdaFunction has no role declared in the template']);
  });
});

describe('wildcardAllows', () => {
  it.each<[string, JsonObject]>([
    ['Action *', { Effect: 'Allow', Action: '*', Resource: '*' }],
    ['service:*', { Effect: 'Allow', Action: ['iam:GetRole', 'S3:*'], Resource: '*' }],
    ['NotAction', { Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }],
    ['inside Fn::If', { Effect: 'Allow', Action: { 'Fn::If': ['C', 'kms:*', 'kms:Decrypt'] }, Resource: '*' }],
  ])('reports an inline Allow with %s', (_label, statement) => {
    const resources = goodTemplate();
    resources.DetectIamRole = role([statement]);
    expect(wildcardAllows(template(resources))).toHaveLength(1);
  });

  it('reports policies wherever they are (managed policy, key policy, queue policy, trust policy)', () => {
    const allowAll: JsonObject = { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::1:root' }, Action: 'kms:*', Resource: '*' };
    const resources = goodTemplate();
    resources.Managed = { Type: 'AWS::IAM::ManagedPolicy', Properties: { PolicyDocument: { Statement: [allowAll] } } };
    resources.Key = { Type: 'AWS::KMS::Key', Properties: { KeyPolicy: { Statement: allowAll } } };
    resources.QueuePolicy = { Type: 'AWS::SQS::QueuePolicy', Properties: { PolicyDocument: { Statement: [allowAll] } } };
    resources.Trusting = {
      Type: 'AWS::IAM::Role',
      Properties: { AssumeRolePolicyDocument: { Statement: [{ Effect: 'Allow', Principal: '*', Action: 'sts:*' }] } },
    };
    resources.Perm = { Type: 'AWS::Lambda::Permission', Properties: { Action: 'lambda:*', Principal: '*', FunctionName: 'f' } };
    expect(wildcardAllows(template(resources))).toHaveLength(5);
  });

  it('accepts Deny statements and partial wildcards', () => {
    const resources = goodTemplate();
    resources.DetectIamRole = role([
      { Effect: 'Deny', Action: '*', Resource: '*' },
      { Effect: 'Allow', Action: ['kms:Create*', 'iam:Get*'], Resource: '*' },
    ]);
    expect(wildcardAllows(template(resources))).toEqual([]);
  });
});

describe('missingRules', () => {
  it('reports a trigger without a rule', () => {
    const orphan = detector({ metadata: { id: 'orphan' }, trigger: { source: 'aws.iam', eventNames: ['CreateUser'] } });
    expect(missingRules(template(goodTemplate()), [orphan])).toEqual(['orphan: no rule delivers aws.iam CreateUser to DetectIamLambdaFunction']);
  });

  it('reports a rule that targets another function', () => {
    const wrongFunction = detector({ runsIn: 'detectLambda', trigger: { source: 'aws.iam', eventNames: ['CreateRole'] } });
    expect(missingRules(template(goodTemplate()), [wrongFunction])).toHaveLength(1);
  });

  it('requires Lambda names by prefix (their API-version suffix varies)', () => {
    const resources = goodTemplate();
    resources.LambdaRule = rule('aws.lambda', ['UpdateFunctionConfiguration', 'AddPermission'], 'DetectLambdaLambdaFunction', filtered);
    expect(missingRules(template(resources), [lambdaDetector])).toHaveLength(2);
  });

  it('requires IAM names exactly', () => {
    const resources = goodTemplate();
    resources.IamRule = rule('aws.iam', [{ prefix: 'Create' }, 'PutRolePolicy'], 'DetectIamLambdaFunction', filtered);
    expect(missingRules(template(resources), [iamDetector])).toEqual([
      'synthetic: no rule delivers aws.iam CreateRole to DetectIamLambdaFunction',
    ]);
  });

  it('requires the CloudTrail detail-type and event source', () => {
    const resources = goodTemplate();
    const iamRule = rule('aws.iam', ['CreateRole', 'PutRolePolicy'], 'DetectIamLambdaFunction', filtered);
    const pattern = iamRule.Properties?.EventPattern as JsonObject;
    pattern['detail-type'] = ['Something else'];
    resources.IamRule = iamRule;
    expect(missingRules(template(resources), [iamDetector])).toHaveLength(2);
  });
});

describe('missingDetectorPermissions and missingRemediationPermissions', () => {
  it('reports a detector permission the role does not grant', () => {
    const reader = detector({ metadata: { id: 'reader' }, trigger: iamDetector.trigger, permissions: ['iam:GetRole', 'iam:GetUser'] });
    expect(missingDetectorPermissions(template(goodTemplate()), [reader])).toEqual(['reader: iam:GetUser not granted to DetectIamRole']);
  });

  it('matches action wildcards case-insensitively', () => {
    const reader = detector({ trigger: iamDetector.trigger, permissions: ['IAM:ListRolePolicies', 'iam:listUserPolicies'] });
    expect(missingDetectorPermissions(template(goodTemplate()), [reader])).toEqual([]);
  });

  it('does not count another function role', () => {
    const reader = detector({ runsIn: 'detectLambda', trigger: iamDetector.trigger, permissions: ['iam:GetRole'] });
    expect(missingDetectorPermissions(template(goodTemplate()), [reader])).toHaveLength(1);
  });

  it('counts an unconditional Deny as taking the action away', () => {
    const resources = goodTemplate();
    resources.DetectIamRole = role([
      { Effect: 'Allow', Action: 'iam:GetRole', Resource: '*' },
      { Effect: 'Deny', Action: 'iam:Get*', Resource: '*' },
    ]);
    expect(missingDetectorPermissions(template(resources), [iamDetector])).toHaveLength(1);
  });

  it('does not count a Deny scoped to some resources as taking the action away', () => {
    const resources = goodTemplate();
    resources.DetectIamRole = role([
      { Effect: 'Allow', Action: 'iam:GetRole', Resource: '*' },
      { Effect: 'Deny', Action: 'iam:Get*', Resource: 'arn:aws:iam::111122223333:role/warden-*' },
    ]);
    expect(missingDetectorPermissions(template(resources), [iamDetector])).toEqual([]);
  });

  it('counts separate policies attached to the role', () => {
    const resources = goodTemplate();
    resources.Extra = {
      Type: 'AWS::IAM::Policy',
      Properties: { Roles: [{ Ref: 'RemediateRole' }], PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'iam:AttachRolePolicy', Resource: '*' }] } },
    };
    expect(missingRemediationPermissions(template(resources), [{ id: 'quarantine', permissions: ['iam:AttachRolePolicy'] }])).toEqual([]);
  });

  it('reports a remediation permission the remediate role does not grant', () => {
    expect(missingRemediationPermissions(template(goodTemplate()), [{ id: 'url', permissions: ['lambda:UpdateFunctionUrlConfig'] }])).toEqual([
      'url: lambda:UpdateFunctionUrlConfig not granted to RemediateRole',
    ]);
  });
});

describe('unusedPermissions', () => {
  it('reports Allow patterns that no action of the code matches', () => {
    const resources = goodTemplate();
    resources.DetectIamRole = role([{ Effect: 'Allow', Action: ['iam:GetRole', 'iam:ListRoleTags', 'iam:List*'], Resource: '*' }]);
    expect(unusedPermissions(template(resources), 'DetectIamRole', ['iam:GetRole', 'IAM:ListRolePolicies'])).toEqual(['iam:ListRoleTags']);
  });

  it('is empty when every pattern is used', () => {
    expect(unusedPermissions(template(goodTemplate()), 'DetectIamRole', roleActions(template(goodTemplate()), 'DetectIamRole').allow)).toEqual([]);
  });
});

describe('unfilteredRules', () => {
  it('reports a rule that lets failed calls through', () => {
    const resources = goodTemplate();
    resources.IamRule = rule('aws.iam', ['CreateRole'], 'DetectIamLambdaFunction', { $or: notWarden });
    expect(unfilteredRules(template(resources))).toEqual(['IamRule: does not exclude failed calls (errorCode)']);
  });

  it("reports a rule that lets Warden's own calls through", () => {
    const resources = goodTemplate();
    resources.IamRule = rule('aws.iam', ['CreateRole'], 'DetectIamLambdaFunction', { errorCode: [{ exists: false }] });
    expect(unfilteredRules(template(resources))).toEqual(["IamRule: does not exclude Warden's own roles (sessionIssuer.arn)"]);
  });

  it('reports an anything-but without the branch for events that have no session issuer', () => {
    const resources = goodTemplate();
    resources.IamRule = rule('aws.iam', ['CreateRole'], 'DetectIamLambdaFunction', {
      errorCode: [{ exists: false }],
      userIdentity: { sessionContext: { sessionIssuer: { arn: [{ 'anything-but': ['arn:aws:iam::1:role/warden'] }] } } },
    });
    expect(unfilteredRules(template(resources))).toHaveLength(1);
  });
});

describe('asyncWithoutDeadLetters', () => {
  it('reports a target without retry policy or DLQ', () => {
    const resources = goodTemplate();
    const bare = rule('aws.iam', ['CreateRole'], 'DetectIamLambdaFunction', filtered);
    (bare.Properties as JsonObject).Targets = [{ Id: 'bare', Arn: { 'Fn::GetAtt': ['DetectIamLambdaFunction', 'Arn'] } }];
    resources.IamRule = bare;
    expect(asyncWithoutDeadLetters(template(resources))).toEqual([
      'IamRule target bare: no RetryPolicy with MaximumRetryAttempts and MaximumEventAgeInSeconds',
      'IamRule target bare: no DeadLetterConfig',
    ]);
  });

  it('reports a function without an asynchronous invoke config', () => {
    const resources = goodTemplate();
    delete resources.RemediateLambdaEvConf;
    expect(asyncWithoutDeadLetters(template(resources))).toHaveLength(2);
  });

  it('reports an SNS subscription without a redrive policy', () => {
    const resources = goodTemplate();
    resources.Sub = { Type: 'AWS::SNS::Subscription', Properties: { Protocol: 'lambda', TopicArn: 't', Endpoint: 'e' } };
    expect(asyncWithoutDeadLetters(template(resources))).toEqual(['Sub: no RedrivePolicy dead-letter queue']);
  });
});
