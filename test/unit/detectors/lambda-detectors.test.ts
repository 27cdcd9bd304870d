import type { DetectorRegistry } from '../../../domain/detectors/registry';
import { iamDetectors } from '../../../domain/detectors/iam-detectors';
import { lambdaDetectors, lambdaRegistry } from '../../../domain/detectors/lambda-detectors';
import { defaultRegistry } from '../../../domain/detectors/registry';
import { evaluateEvent } from '../../../domain/evaluate-event';
import { normalizeEventName } from '../../../domain/events';
import type { Finding } from '../../../domain/findings';
import type { StateReaders } from '../../../domain/ports';
import type { EventResult } from '../../../domain/result';
import { cloudTrailRecord, eventBridgeEvent } from '../events/builders';
import { ACCOUNT, functionArn, InMemoryLambda, policy, testKey } from './lambda-fakes';

const registry: DetectorRegistry = lambdaRegistry();

async function replay(eventName: string, requestParameters: Record<string, unknown>, readers: StateReaders, responseElements: Record<string, unknown> | null = null): Promise<EventResult> {
  const record = { ...cloudTrailRecord({ eventName, eventSource: 'lambda.amazonaws.com', requestParameters }), responseElements };
  const { result, failure } = await evaluateEvent(eventBridgeEvent(record), { registry, readers, selfArnPatterns: [] });
  expect(failure).toBeUndefined();
  return result;
}

function ruleIds(result: EventResult): string[] {
  return [...new Set(result.findings.map((finding) => finding.ruleId))].sort();
}

function only(result: EventResult, ruleId: string): Finding {
  const found = result.findings.filter((finding) => finding.ruleId === ruleId);
  expect(found).toHaveLength(1);
  return found[0] as Finding;
}

const PASSWORD = 'pR7!vXq2-Lm9#Tz4wK8s';
const TOKEN = 'ghp_8fK2mQ9xV4pL7sT1wZ3nB6yH0cD5rJ2aE4uG';

describe('registration', () => {
  it('detectLambda and detectIam run exactly the detectors the registry gives them', () => {
    const registered = defaultRegistry.only('detectLambda').all.map((d) => d.metadata.id).sort();
    expect(lambdaDetectors.map((d) => d.metadata.id).sort()).toEqual(registered);
    expect(registered).toEqual(expect.arrayContaining(['lambda-public-access', 'lambda-secret-environment']));
    expect(iamDetectors.map((d) => d.metadata.id).sort()).toEqual(defaultRegistry.only('detectIam').all.map((d) => d.metadata.id).sort());
  });

  it('triggers on bare event names, which the suffixed names normalise to', () => {
    for (const detector of lambdaDetectors) {
      for (const name of detector.trigger.eventNames) expect(normalizeEventName(name)).toBe(name);
    }
    expect(registry.for('lambda.amazonaws.com', normalizeEventName('UpdateFunctionConfiguration20150331v2')).map((d) => d.metadata.id)).toEqual(['lambda-secret-environment']);
    expect(registry.for('lambda.amazonaws.com', normalizeEventName('CreateFunctionUrlConfig20211031')).map((d) => d.metadata.id)).toEqual(['lambda-public-access']);
  });
});

describe('lambda-secret-environment', () => {
  it('without a Lambda reader is unresolved: CloudTrail hides the values', async () => {
    const result = await replay('UpdateFunctionConfiguration20150331v2', { functionName: 'app', environment: {} }, { fingerprintKey: testKey });
    expect(result.outcome).toBe('unresolved');
    expect(result.reason).toMatch(/CloudTrail hides environment values/);
  });

  it('without a fingerprint key is unresolved, not clean', async () => {
    const lambda = new InMemoryLambda().fn('app', { variables: { DB_PASSWORD: PASSWORD } });
    const result = await replay('UpdateFunctionConfiguration', { functionName: 'app' }, { lambda });
    expect(result).toMatchObject({ outcome: 'unresolved', reason: expect.stringMatching(/fingerprint key/) as unknown });
  });

  it('re-reads the function and reports each secret by variable, rule and fingerprint, never the value', async () => {
    const lambda = new InMemoryLambda().fn('app', { variables: { DB_PASSWORD: PASSWORD, GITHUB_TOKEN: TOKEN, TABLE_NAME: 'orders', DB_SECRET_NAME: 'prod/db' } }).concurrency('app', 5);
    const result = await replay('UpdateFunctionConfiguration20150331v2', { functionName: 'app', environment: {} }, { lambda, fingerprintKey: testKey });
    expect(ruleIds(result)).toEqual(['lambda-env-secret-named', 'lambda-env-secret-vendor-token']);
    const named = only(result, 'lambda-env-secret-named');
    expect(named.subject).toEqual({ kind: 'function', name: 'app', arn: functionArn('app'), region: 'us-east-1' });
    expect(named.evidence).toMatchObject({ variable: 'DB_PASSWORD', version: ['$LATEST'], reservedConcurrency: 5, judgedFrom: 'state' });
    expect(named.evidence.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(named.trigger).toEqual({ eventName: 'UpdateFunctionConfiguration', params: { functionName: 'app' } });
    expect(new Set(result.findings.map((f) => f.id)).size).toBe(result.findings.length);
    const text = JSON.stringify(result);
    for (const secret of [PASSWORD, TOKEN, PASSWORD.slice(0, 8), TOKEN.slice(4, 16)]) expect(text).not.toContain(secret);
    expect(text).not.toMatch(new RegExp(`"(length|size)":\\s*${PASSWORD.length}\\b`));
  });

  it('scans every published version: one finding per secret, listing the versions that hold it', async () => {
    const lambda = new InMemoryLambda()
      .fn('app', { variables: { API_KEY: 'reference-free-9f8e7d6c5b4a3f2e1d0c' } })
      .version('app', '1', { variables: { API_KEY: 'reference-free-9f8e7d6c5b4a3f2e1d0c' } })
      .version('app', '2', { variables: { API_KEY: 'another-secret-1a2b3c4d5e6f7a8b9c0d' } });
    const result = await replay('PublishVersion20150331', { functionName: 'app' }, { lambda, fingerprintKey: testKey });
    const versions = result.findings.map((f) => f.evidence.version);
    expect(versions).toEqual(expect.arrayContaining([['$LATEST', '1'], ['2']]));
    expect(result.findings).toHaveLength(2);
    expect(result.findings[0]?.id).not.toBe(result.findings[1]?.id);
    expect(result.findings[0]?.evidence.fingerprint).not.toBe(result.findings[1]?.evidence.fingerprint);
  });

  it('an environment Lambda could not decrypt is unresolved, never clean, and the AWS message is dropped', async () => {
    const lambda = new InMemoryLambda().fn('app', { error: { errorCode: 'KMSAccessDeniedException', message: 'key arn:aws:kms:us-east-1:111122223333:key/abc denied' } });
    const result = await replay('UpdateFunctionConfiguration', { functionName: 'app' }, { lambda, fingerprintKey: testKey });
    expect(result.outcome).toBe('unresolved');
    expect(result.reason).toContain('KMSAccessDeniedException');
    expect(result.reason).not.toContain('key/abc');
  });

  it('reports what it could read and names the versions it could not', async () => {
    const lambda = new InMemoryLambda().fn('app', { variables: { DB_PASSWORD: PASSWORD } }).version('app', '2', { error: { errorCode: 'KMSDisabledException', message: 'disabled' } });
    const result = await replay('UpdateFunctionConfiguration', { functionName: 'app' }, { lambda, fingerprintKey: testKey });
    expect(only(result, 'lambda-env-secret-named').evidence).toMatchObject({ unreadableVersions: ['2'] });
  });

  it('a function deleted meanwhile is unresolved (gone)', async () => {
    const lambda = new InMemoryLambda().fn('other');
    const result = await replay('CreateFunction20150331', { functionName: 'app' }, { lambda, fingerprintKey: testKey });
    expect(result).toMatchObject({ outcome: 'unresolved', reason: expect.stringMatching(/no longer exists/) as unknown });
  });

  it('look-alikes stay clean', async () => {
    const variables = { MYSQL_ALLOW_EMPTY_PASSWORD: 'yes', DB_SECRET_NAME: 'prod/db', AWS_CA_BUNDLE: '/var/task/ca.pem', API_TOKEN: '*******', POWERTOOLS_SERVICE_NAME: 'app' };
    const lambda = new InMemoryLambda().fn('app', { variables });
    const result = await replay('CreateFunction', { functionName: 'app' }, { lambda, fingerprintKey: testKey });
    expect(result.outcome).toBe('clean');
  });

  it('reads the region a function ARN names, not the event region', async () => {
    const lambda = new InMemoryLambda().fn('app', { variables: { DB_PASSWORD: PASSWORD } }, 'eu-west-1');
    const result = await replay('UpdateFunctionConfiguration', { functionName: functionArn('app', 'eu-west-1') }, { lambda, fingerprintKey: testKey });
    expect(only(result, 'lambda-env-secret-named').subject).toMatchObject({ region: 'eu-west-1', arn: functionArn('app', 'eu-west-1') });
  });
});

const anyoneInvoke = { Sid: 'anyone', Effect: 'Allow', Principal: '*', Action: 'lambda:InvokeFunction', Resource: functionArn('app') };
const anyoneUrl = { Sid: 'url', Effect: 'Allow', Principal: '*', Action: 'lambda:InvokeFunctionUrl', Resource: functionArn('app'), Condition: { StringEquals: { 'lambda:FunctionUrlAuthType': 'NONE' } } };

describe('lambda-public-access, judging the event alone', () => {
  it('AddPermission of InvokeFunction to * is public-invoke, from the statement Lambda returned', async () => {
    const result = await replay('AddPermission20150331v2', { functionName: 'app', statementId: 'anyone', action: 'lambda:InvokeFunction', principal: '*' }, {}, { statement: JSON.stringify(anyoneInvoke) });
    const finding = only(result, 'lambda-public-invoke');
    expect(finding).toMatchObject({ severity: 'critical', category: 'exposure', subject: { kind: 'function', name: 'app', region: 'us-east-1' } });
    expect(finding.evidence).toMatchObject({ sid: 'anyone', judgedFrom: 'event', qualifier: '$LATEST' });
    expect(finding.trigger?.params).toEqual({ functionName: 'app', statementId: 'anyone', principal: '*', action: 'lambda:InvokeFunction' });
  });

  it('rebuilds the statement from the request: aws:PrincipalOrgID restricts, lambda:FunctionUrlAuthType alone does not', async () => {
    const org = await replay('AddPermission', { functionName: 'app', statementId: 's', action: 'lambda:InvokeFunction', principal: '*', principalOrgID: 'o-abc123def4' }, {});
    expect(org.outcome).toBe('clean');
    const authTypeOnly = await replay('AddPermission', { functionName: 'app', statementId: 's', action: 'lambda:InvokeFunction', principal: '*', functionUrlAuthType: 'NONE' }, {});
    expect(ruleIds(authTypeOnly)).toContain('lambda-public-invoke');
  });

  it('a service principal needs aws:SourceArn or aws:SourceAccount', async () => {
    const unscoped = await replay('AddPermission', { functionName: 'app', statementId: 's3', action: 'lambda:InvokeFunction', principal: 's3.amazonaws.com' }, {});
    expect(ruleIds(unscoped)).toEqual(['lambda-confused-deputy']);
    const scoped = await replay('AddPermission', { functionName: 'app', statementId: 's3', action: 'lambda:InvokeFunction', principal: 's3.amazonaws.com', sourceArn: 'arn:aws:s3:::uploads', sourceAccount: ACCOUNT }, {});
    expect(scoped.outcome).toBe('clean');
  });

  it('a grant of InvokeFunctionUrl to * for NONE URLs is a public URL, the URL assumed and said so', async () => {
    const result = await replay('AddPermission20150331v2', { functionName: 'app', statementId: 'url', action: 'lambda:InvokeFunctionUrl', principal: '*', functionUrlAuthType: 'NONE' }, {});
    expect(only(result, 'lambda-public-url').evidence.assumption).toMatch(/AuthType NONE/);
  });

  it('a grant limited to calls through the URL cannot be judged without the URL configuration', async () => {
    const result = await replay('AddPermission20150331v2', { functionName: 'app', statementId: 'via', action: 'lambda:InvokeFunction', principal: '*', invokedViaFunctionUrl: true }, {});
    expect(result.outcome).toBe('unresolved');
  });

  it('CreateFunctionUrlConfig with NONE is a latent public URL; with AWS_IAM it is clean', async () => {
    const none = await replay('CreateFunctionUrlConfig20211031', { functionName: 'app', authType: 'NONE' }, {}, { functionArn: functionArn('app'), functionUrl: 'https://x.lambda-url.us-east-1.on.aws/', authType: 'NONE' });
    expect(only(none, 'lambda-latent-public-url').severity).toBe('medium');
    const iam = await replay('UpdateFunctionUrlConfig', { functionName: 'app', authType: 'AWS_IAM' }, {});
    expect(iam.outcome).toBe('clean');
  });

  it('PutResourcePolicy is judged from the policy it writes; CreateAlias needs state', async () => {
    const put = await replay('PutResourcePolicy', { resourceArn: functionArn('app'), policy: policy(anyoneInvoke) }, {});
    expect(ruleIds(put)).toEqual(['lambda-public-invoke']);
    const alias = await replay('CreateAlias20150331', { functionName: 'app', name: 'live', functionVersion: '1' }, {});
    expect(alias.outcome).toBe('unresolved');
  });
});

describe('lambda-public-access, re-reading the function', () => {
  it('NONE URL with a public grant is public-url; alone it is latent; AWS_IAM with a * grant is any-account-url', async () => {
    const open = await replay('CreateFunctionUrlConfig', { functionName: 'app', authType: 'NONE' }, { lambda: new InMemoryLambda().fn('app').url('app', 'NONE').policy('app', policy(anyoneUrl)) });
    expect(ruleIds(open)).toEqual(['lambda-public-url']);
    const latent = await replay('CreateFunctionUrlConfig', { functionName: 'app', authType: 'NONE' }, { lambda: new InMemoryLambda().fn('app').url('app', 'NONE') });
    expect(ruleIds(latent)).toEqual(['lambda-latent-public-url']);
    const anyAccount = { ...anyoneUrl, Condition: { StringEquals: { 'lambda:FunctionUrlAuthType': 'AWS_IAM' } } };
    const iam = await replay('UpdateFunctionUrlConfig', { functionName: 'app', authType: 'AWS_IAM' }, { lambda: new InMemoryLambda().fn('app').url('app', 'AWS_IAM').policy('app', policy(anyAccount)) });
    expect(ruleIds(iam)).toEqual(['lambda-any-account-url']);
  });

  it('never trusts the event: a statement removed meanwhile is not reported', async () => {
    const lambda = new InMemoryLambda().fn('app');
    const result = await replay('AddPermission', { functionName: 'app', statementId: 'anyone', action: 'lambda:InvokeFunction', principal: '*' }, { lambda }, { statement: JSON.stringify(anyoneInvoke) });
    expect(result.outcome).toBe('clean');
  });

  it('reads the policy of every alias and version and reports on the qualifier', async () => {
    const lambda = new InMemoryLambda().fn('app').version('app', '3').alias('app', 'live', '3').policy('app', policy({ ...anyoneInvoke, Resource: `${functionArn('app')}:live` }), 'live');
    const result = await replay('UpdateAlias20150331', { functionName: 'app', name: 'live', functionVersion: '3' }, { lambda });
    const finding = only(result, 'lambda-public-invoke');
    expect(finding.subject).toMatchObject({ qualifier: 'live' });
    expect(finding.evidence.qualifier).toBe('live');
    expect(lambda.calls).toEqual(expect.arrayContaining(['getPolicy us-east-1 app ', 'getPolicy us-east-1 app live', 'getPolicy us-east-1 app 3']));
  });

  it('grants to another account are cross-account; to this account they are not', async () => {
    const foreign = { Sid: 'partner', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::444455556666:root' }, Action: 'lambda:InvokeFunction', Resource: functionArn('app') };
    const own = { ...foreign, Sid: 'own', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/caller` } };
    const result = await replay('AddPermission', { functionName: 'app' }, { lambda: new InMemoryLambda().fn('app').policy('app', policy(foreign, own)) });
    expect(ruleIds(result)).toEqual(['lambda-cross-account']);
    expect(only(result, 'lambda-cross-account').evidence.sid).toBe('partner');
  });

  it('two public statements give two findings with distinct ids', async () => {
    const lambda = new InMemoryLambda().fn('app').policy('app', policy(anyoneInvoke, { ...anyoneInvoke, Sid: 'again' }));
    const result = await replay('AddPermission', { functionName: 'app' }, { lambda });
    expect(result.findings.map((f) => f.ruleId)).toEqual(['lambda-public-invoke', 'lambda-public-invoke']);
    expect(result.findings[0]?.id).not.toBe(result.findings[1]?.id);
  });

  it('an unreadable policy leaves the function unresolved (fail closed), without quoting it', async () => {
    const lambda = new InMemoryLambda().fn('app').policy('app', '{"Statement": "not-a-list-secretive"');
    const result = await replay('AddPermission', { functionName: 'app' }, { lambda });
    expect(result.outcome).toBe('unresolved');
    expect(result.reason).not.toContain('secretive');
  });

  it('a function deleted meanwhile is unresolved (gone)', async () => {
    const result = await replay('CreateFunctionUrlConfig', { functionName: 'app', authType: 'NONE' }, { lambda: new InMemoryLambda().fn('other') });
    expect(result).toMatchObject({ outcome: 'unresolved', reason: expect.stringMatching(/no longer exists/) as unknown });
  });
});
