/**
 * The packaged template (`serverless package --stage ci`, see template.ts) agrees with the
 * registries and with DESIGN.md §1, §2 and §8.
 */
import { existsSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { detectors } from '../../domain/detectors/registry';
import { remediations } from '../../domain/remediation/registry';
import {
  asyncWithoutDeadLetters,
  functionLogicalId,
  functionRoles,
  isObject,
  missingDetectorPermissions,
  missingRemediationPermissions,
  missingRules,
  roleActions,
  roleProblems,
  unfilteredRules,
  wildcardAllows,
  type CfnResource,
  type CfnTemplate,
  type DetectorContract,
  type Json,
} from './checks';
import { loadPackagedTemplate, packageDir, zipEntries } from './template';

const functions = ['detectIam', 'detectLambda', 'remediate', 'notifySlack', 'sweep'] as const;

/** DESIGN.md §2: the events Warden must see, whether or not a detector handles them yet. */
const designIamEvents = [
  'PutRolePolicy', 'PutUserPolicy', 'PutGroupPolicy', 'AttachRolePolicy', 'AttachUserPolicy', 'AttachGroupPolicy',
  'CreatePolicy', 'CreatePolicyVersion', 'SetDefaultPolicyVersion', 'CreateRole', 'UpdateAssumeRolePolicy',
  'PutRolePermissionsBoundary', 'DeleteRolePermissionsBoundary', 'AddUserToGroup', 'TagRole', 'UntagRole',
];
const designLambdaEvents = [
  'CreateFunction', 'UpdateFunctionConfiguration', 'CreateFunctionUrlConfig', 'UpdateFunctionUrlConfig', 'AddPermission',
  'PublishVersion', 'CreateAlias', 'UpdateAlias', 'TagResource', 'UntagResource', 'PutResourcePolicy', 'PutPublicAccessBlockConfig',
];

const maxZipBytes = 5 * 1024 * 1024;
const longestRegion = 'ap-southeast-2';

let template: CfnTemplate;

beforeAll(() => {
  template = loadPackagedTemplate();
}, 11 * 60 * 1000);

function resource(id: string): CfnResource {
  const found = template.Resources[id];
  if (!found) throw new Error(`resource ${id} is not in the template`);
  return found;
}

/** The `anything-but` list of a rule's `$or` branch on the session issuer. */
function excludedIssuers(rule: CfnResource): Json[] {
  const pattern = rule.Properties?.EventPattern;
  const detail = isObject(pattern) && isObject(pattern.detail) ? pattern.detail : {};
  for (const branch of Array.isArray(detail.$or) ? detail.$or : []) {
    const identity = isObject(branch) ? branch.userIdentity : undefined;
    const context = isObject(identity) ? identity.sessionContext : undefined;
    const issuer = isObject(context) ? context.sessionIssuer : undefined;
    const matchers = isObject(issuer) && Array.isArray(issuer.arn) ? issuer.arn : [];
    for (const matcher of matchers) {
      const excluded = isObject(matcher) ? matcher['anything-but'] : undefined;
      if (Array.isArray(excluded)) return excluded;
    }
  }
  return [];
}

function fnId(name: (typeof functions)[number]): string {
  return functionLogicalId(name);
}

describe('functions and roles', () => {
  it('has exactly the five functions', () => {
    const packaged = Object.entries(template.Resources)
      .filter(([, r]) => r.Type === 'AWS::Lambda::Function')
      .map(([id]) => id)
      .sort();
    expect(packaged).toEqual(functions.map(fnId).sort());
  });

  it('gives every function its own role and leaves no default role', () => {
    expect(roleProblems(template)).toEqual([]);
    expect(Object.values(template.Resources).filter((r) => r.Type === 'AWS::IAM::Role')).toHaveLength(functions.length);
  });

  it('names the roles warden-<stage>-<function>-<region>, under 64 characters in every region', () => {
    for (const [fn, roleId] of functionRoles(template)) {
      const roleName = resource(roleId ?? '').Properties?.RoleName;
      const sub = isObject(roleName) ? roleName['Fn::Sub'] : undefined;
      if (typeof sub !== 'string') throw new Error(`${roleId ?? fn}: RoleName is not a Fn::Sub string`);
      const name = sub.replace('${AWS::Region}', longestRegion);
      const functionName = fn.replace(/LambdaFunction$/, '');
      expect(name.toLowerCase()).toBe(`warden-ci-${functionName}-${longestRegion}`.toLowerCase());
      expect(name.length).toBeLessThanOrEqual(64);
    }
  });

  it('lets each function write logs only to its own log group', () => {
    for (const name of functions) {
      const roleId = functionRoles(template).get(fnId(name)) ?? '';
      const statements = (resource(roleId).Properties?.Policies as Json[]).flatMap((policy) =>
        isObject(policy) && isObject(policy.PolicyDocument) ? (policy.PolicyDocument.Statement as Json[]) : [],
      );
      const logs = statements.filter((s) => isObject(s) && JSON.stringify(s.Action).includes('logs:'));
      expect(logs).toHaveLength(1);
      expect(JSON.stringify(logs[0])).toContain(`:log-group:/aws/lambda/warden-ci-${name}:*`);
    }
  });

  it('grants no Allow of `*`, `service:*` or NotAction anywhere', () => {
    expect(wildcardAllows(template)).toEqual([]);
  });

  it('gives the detectors no write actions beyond publishing findings and dead letters', () => {
    for (const name of ['detectIam', 'detectLambda'] as const) {
      const { allow } = roleActions(template, functionRoles(template).get(fnId(name)) ?? '');
      const writes = allow.filter((action) => !/^(iam|lambda):(Get|List)/i.test(action));
      const keyReads = name === 'detectLambda' ? ['secretsmanager:GetSecretValue', 'ssm:GetParameter'] : [];
      expect(writes.sort()).toEqual([...keyReads, 'events:PutEvents', 'logs:CreateLogStream', 'logs:PutLogEvents', 'sqs:SendMessage'].sort());
    }
  });

  it('lets detectLambda read only the fingerprint key secret, which the template generates', () => {
    const roleId = functionRoles(template).get(fnId('detectLambda')) ?? '';
    const statements = (resource(roleId).Properties?.Policies as Json[]).flatMap((policy) =>
      isObject(policy) && isObject(policy.PolicyDocument) ? (policy.PolicyDocument.Statement as Json[]) : [],
    );
    const keyReads = statements.filter((s) => isObject(s) && /secretsmanager:|ssm:/.test(JSON.stringify(s.Action)));
    expect(keyReads.map((s) => (isObject(s) ? s.Resource : null))).toEqual([
      { 'Fn::Sub': 'arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/aws/reference/secretsmanager/warden-ci-fingerprint-key' },
      { Ref: 'FingerprintKeySecret' },
    ]);
    expect(resource('FingerprintKeySecret').Properties).toMatchObject({ Name: 'warden-ci-fingerprint-key', GenerateSecretString: { PasswordLength: 64 } });
    const env = resource(fnId('detectLambda')).Properties?.Environment;
    expect(isObject(env) && isObject(env.Variables) ? env.Variables.WARDEN_FINGERPRINT_SECRET : undefined).toBe('warden-ci-fingerprint-key');
  });
});

describe('registries', () => {
  it('has a rule for every registered detector trigger', () => {
    expect(missingRules(template, detectors)).toEqual([]);
  });

  it("grants every registered detector's permissions to its function's role", () => {
    expect(missingDetectorPermissions(template, detectors)).toEqual([]);
  });

  it("grants every registered remediation's permissions to the remediate role", () => {
    expect(missingRemediationPermissions(template, remediations)).toEqual([]);
  });
});

describe('EventBridge rules (DESIGN.md §2)', () => {
  const designDetectors: DetectorContract[] = [
    { metadata: { id: 'design-iam' }, runsIn: 'detectIam', trigger: { source: 'aws.iam', eventNames: designIamEvents }, permissions: [] },
    { metadata: { id: 'design-lambda' }, runsIn: 'detectLambda', trigger: { source: 'aws.lambda', eventNames: designLambdaEvents }, permissions: [] },
  ];

  it('delivers every event of §2 to its detector function', () => {
    expect(missingRules(template, designDetectors)).toEqual([]);
  });

  it('does not deliver events outside §2 (the check is not vacuous)', () => {
    const outside: DetectorContract[] = [
      { metadata: { id: 'x' }, runsIn: 'detectLambda', trigger: { source: 'aws.lambda', eventNames: ['UpdateFunctionCode', 'DeleteFunction'] }, permissions: [] },
      { metadata: { id: 'y' }, runsIn: 'detectIam', trigger: { source: 'aws.iam', eventNames: ['CreateUser'] }, permissions: ['iam:DeleteRole'] },
      { metadata: { id: 'z' }, runsIn: 'detectLambda', trigger: { source: 'aws.iam', eventNames: ['CreateRole'] }, permissions: [] },
    ];
    expect(missingRules(template, outside)).toHaveLength(4);
    expect(missingDetectorPermissions(template, outside)).toEqual(['y: iam:DeleteRole not granted to DetectIamRole']);
  });

  it("excludes failed calls and Warden's own roles", () => {
    expect(unfilteredRules(template)).toEqual([]);
  });

  it("excludes exactly Warden's five roles and passes the same list to the code", () => {
    const excluded = excludedIssuers(resource('IamChangesRule'));
    expect(excluded).toHaveLength(functions.length);
    for (const name of functions) expect(JSON.stringify(excluded)).toContain(`:role/warden-ci-${name}-\${AWS::Region}`);
    expect(excludedIssuers(resource('LambdaChangesRule'))).toEqual(excluded);
    for (const name of functions) {
      const env = resource(fnId(name)).Properties?.Environment;
      const selfArns = isObject(env) && isObject(env.Variables) ? env.Variables.WARDEN_SELF_ARNS : undefined;
      expect(selfArns).toEqual({ 'Fn::Join': [',', excluded] });
    }
  });

  it('routes Warden Findings on its own bus to remediate and sweeps daily', () => {
    const findings = resource('FindingsRule').Properties;
    expect(findings?.EventBusName).toEqual({ Ref: 'WardenBus' });
    expect(findings?.EventPattern).toEqual({ 'detail-type': ['Warden Finding'] });
    expect(JSON.stringify(findings?.Targets)).toContain('RemediateLambdaFunction');
    const sweep = resource('SweepScheduleRule').Properties;
    expect(sweep?.ScheduleExpression).toBe('rate(1 day)');
    expect(JSON.stringify(sweep?.Targets)).toContain('SweepLambdaFunction');
  });

  it('gives every asynchronous hop retries and a dead-letter queue', () => {
    expect(asyncWithoutDeadLetters(template)).toEqual([]);
  });

  it('encrypts every dead-letter queue', () => {
    const queues = Object.values(template.Resources).filter((r) => r.Type === 'AWS::SQS::Queue');
    expect(queues).toHaveLength(functions.length);
    for (const queue of queues) expect(queue.Properties?.SqsManagedSseEnabled).toBe(true);
  });
});

describe('data and alerts', () => {
  it('keeps the ledger table safe', () => {
    const table = resource('LedgerTable');
    expect(table).toMatchObject({
      DeletionPolicy: 'Retain',
      Properties: {
        TableName: 'warden-ci-ledger',
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      },
    });
  });

  it('encrypts the alerts topic with a rotated customer-managed key', () => {
    expect(resource('AlertsTopic').Properties?.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': ['AlertsKey', 'Arn'] });
    expect(resource('AlertsKey').Properties?.EnableKeyRotation).toBe(true);
  });

  it('sets a retention on every log group', () => {
    const groups = Object.values(template.Resources).filter((r) => r.Type === 'AWS::Logs::LogGroup');
    expect(groups).toHaveLength(functions.length);
    for (const group of groups) expect(typeof group.Properties?.RetentionInDays).toBe('number');
  });

  it('configures every function from the environment, with no secret in it', () => {
    const required = [
      'WARDEN_MODE', 'WARDEN_RULE_MODES', 'WARDEN_PROTECTED_PRINCIPALS', 'WARDEN_SELF_ARNS', 'WARDEN_SLACK_WEBHOOK_PARAMETER',
      'WARDEN_HOME_REGION', 'WARDEN_BUS_NAME', 'WARDEN_TOPIC_ARN', 'WARDEN_LEDGER_TABLE', 'WARDEN_MODE_SWITCH_PARAMETER',
      'POWERTOOLS_SERVICE_NAME', 'POWERTOOLS_LOG_LEVEL',
    ];
    for (const name of functions) {
      const env = resource(fnId(name)).Properties?.Environment;
      const variables = isObject(env) && isObject(env.Variables) ? env.Variables : {};
      expect(Object.keys(variables)).toEqual(expect.arrayContaining(required));
      expect(JSON.stringify(variables)).not.toMatch(/hooks\.slack\.com|xox[abp]-/);
    }
  });
});

describe('packaged artefacts', () => {
  it('has one zip per function, under 5 MB, with the bundle and no node_modules', () => {
    for (const name of functions) {
      const fn = resource(fnId(name)).Properties;
      const code = fn?.Code;
      const key = isObject(code) ? code.S3Key : undefined;
      const handler = fn?.Handler;
      if (typeof key !== 'string' || typeof handler !== 'string') throw new Error(`${name}: no Code.S3Key or Handler`);
      const zip = join(packageDir, basename(key));
      expect(basename(zip)).toBe(`${name}.zip`);
      expect(existsSync(zip)).toBe(true);
      expect(statSync(zip).size).toBeLessThan(maxZipBytes);
      const entries = zipEntries(zip).map((entry) => entry.name);
      const handlerFile = `${handler.replace(/\.[^.]+$/, '')}.js`;
      expect(entries).toContain(handlerFile);
      expect(entries.filter((entry) => entry.startsWith('node_modules/') || entry.includes('/node_modules/'))).toEqual([]);
    }
  });
});
