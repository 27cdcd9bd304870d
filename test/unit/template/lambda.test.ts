import { scanTemplate, type TemplateResourceResult, type TemplateScan } from '../../../domain/template';
import { FakeSecrets } from '../../fixtures/secrets/generate';
import { FakeAwsManagedPolicies, template, TEST_KEY } from './fakes';

async function scan(resources: Record<string, unknown>, extra: Record<string, unknown> = {}, options: Record<string, unknown> = {}): Promise<TemplateScan> {
  return scanTemplate(template(resources, extra), { source: 'fn.yaml', fingerprintKey: TEST_KEY, accountId: '111122223333', region: 'us-east-1', ...options }, new FakeAwsManagedPolicies());
}

function resultOf(s: TemplateScan, logicalId: string): TemplateResourceResult {
  const found = s.results.find((r) => r.logicalId === logicalId && r.resourceType.includes('Function'));
  if (!found) throw new Error(`no function result for ${logicalId}`);
  return found;
}

function rules(r: TemplateResourceResult): string[] {
  return r.findings.map((f) => f.ruleId).sort();
}

function fn(variables: Record<string, unknown>, type = 'AWS::Lambda::Function'): Record<string, unknown> {
  return { Type: type, Properties: { FunctionName: 'app', Environment: { Variables: variables } } };
}

const PASSWORD = 'correct-Horse-battery-9';

describe('environment variables', () => {
  test('a plaintext password is a finding on the variable, never its value', async () => {
    const s = await scan({ App: fn({ DB_PASSWORD: PASSWORD, LOG_LEVEL: 'info' }) });
    const r = resultOf(s, 'App');
    expect(rules(r)).toEqual(['lambda-env-secret-named']);
    const f = r.findings[0];
    expect(f?.location.path).toEqual(['Resources', 'App', 'Properties', 'Environment', 'Variables', 'DB_PASSWORD']);
    expect(f?.evidence).toMatchObject({ variable: 'DB_PASSWORD', kind: 'password' });
    expect(f?.evidence.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(JSON.stringify(s)).not.toContain(PASSWORD);
    expect(JSON.stringify(s)).not.toContain(PASSWORD.slice(0, 8));
  });

  test('vendor tokens are recognised by format', async () => {
    const token = new FakeSecrets(7).from('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 36);
    const s = await scan({ App: fn({ GH: `ghp_${token}` }) });
    expect(rules(resultOf(s, 'App'))).toEqual(['lambda-env-secret-vendor-token']);
    expect(JSON.stringify(s)).not.toContain(token);
  });

  test.each<[string, unknown]>([
    ['!Ref of a NoEcho parameter', { Ref: 'SecretParam' }],
    ['!GetAtt', { 'Fn::GetAtt': ['Secret', 'Id'] }],
    ['!ImportValue', { 'Fn::ImportValue': 'db-password' }],
    ['a dynamic reference', '{{resolve:ssm-secure:/app/db-password:1}}'],
    ['!Sub of a reference only', { 'Fn::Sub': '${SecretParam}' }],
    ['!Join of references', { 'Fn::Join': ['', [{ Ref: 'SecretParam' }]] }],
  ])('%s is a reference, not a plaintext secret', async (_name, value) => {
    const s = await scan({ App: fn({ DB_PASSWORD: value }), Secret: { Type: 'AWS::SecretsManager::Secret' } }, { Parameters: { SecretParam: { Type: 'String', NoEcho: true } } });
    expect(resultOf(s, 'App')).toMatchObject({ outcome: 'clean', findings: [] });
  });

  test('the literal parts of !Sub are scanned: a password in a URL with a referenced host', async () => {
    const s = await scan({ App: fn({ DATABASE_URL: { 'Fn::Sub': 'postgres://app:Tr0ub4dor-and-3@${Db.Endpoint.Address}:5432/app' } }), Db: { Type: 'AWS::RDS::DBInstance' } });
    expect(rules(resultOf(s, 'App'))).toEqual(['lambda-env-secret-credential-url']);
    expect(JSON.stringify(s)).not.toContain('Tr0ub4dor');
  });

  test('both branches of Fn::If are scanned', async () => {
    const s = await scan({ App: fn({ API_TOKEN: { 'Fn::If': ['IsProd', { Ref: 'AWS::NoValue' }, PASSWORD] } }) });
    expect(rules(resultOf(s, 'App'))).toEqual(['lambda-env-secret-named']);
  });

  test('known false positives stay clean', async () => {
    const s = await scan({ App: fn({ MYSQL_ALLOW_EMPTY_PASSWORD: 'yes', DB_SECRET_NAME: 'prod/db', AWS_CA_BUNDLE: '/etc/ssl/ca.pem', POWERTOOLS_SERVICE_NAME: 'app', TIMEOUT: 30 }) });
    expect(resultOf(s, 'App').outcome).toBe('clean');
  });

  test('SAM functions inherit Globals variables, and findings point at Globals', async () => {
    const s = await scan(
      { App: { Type: 'AWS::Serverless::Function', Properties: { Role: 'arn:aws:iam::111122223333:role/r', Environment: { Variables: { OWN: 'x' } } } } },
      { Globals: { Function: { Environment: { Variables: { SHARED_PASSWORD: PASSWORD } } } } },
    );
    const f = resultOf(s, 'App').findings[0];
    expect(f?.ruleId).toBe('lambda-env-secret-named');
    expect(f?.location.path).toEqual(['Globals', 'Function', 'Environment', 'Variables', 'SHARED_PASSWORD']);
  });
});

describe('URLs and permissions', () => {
  const url = (authType: unknown, extra: Record<string, unknown> = {}) => ({ Type: 'AWS::Lambda::Url', Properties: { TargetFunctionArn: { 'Fn::GetAtt': ['App', 'Arn'] }, AuthType: authType, ...extra } });
  const permission = (properties: Record<string, unknown>) => ({ Type: 'AWS::Lambda::Permission', Properties: { FunctionName: { Ref: 'App' }, Action: 'lambda:InvokeFunction', ...properties } });

  test('a NONE URL with a public InvokeFunctionUrl grant is a public URL pointing at the URL', async () => {
    const s = await scan({ App: fn({}), Url: url('NONE'), Open: permission({ Action: 'lambda:InvokeFunctionUrl', Principal: '*', FunctionUrlAuthType: 'NONE' }) });
    const f = resultOf(s, 'App').findings.find((x) => x.ruleId === 'lambda-public-url');
    expect(f?.severity).toBe('high');
    expect(f?.location).toEqual({ logicalId: 'Url', resourceType: 'AWS::Lambda::Url', path: ['Resources', 'Url', 'Properties', 'AuthType'] });
    expect(f?.relatedLocations?.map((l) => l.logicalId)).toEqual(['Open']);
  });

  test('a NONE URL without a grant is latent; an AWS_IAM URL is clean', async () => {
    const latent = await scan({ App: fn({}), Url: url('NONE') });
    const iam = await scan({ App: fn({}), Url: url('AWS_IAM') });
    expect(rules(resultOf(latent, 'App'))).toEqual(['lambda-latent-public-url']);
    expect(resultOf(iam, 'App').outcome).toBe('clean');
  });

  test('an auth type that depends on a condition is NONE when either branch is', async () => {
    const s = await scan({ App: fn({}), Url: url({ 'Fn::If': ['IsProd', 'AWS_IAM', 'NONE'] }) });
    expect(rules(resultOf(s, 'App'))).toEqual(['lambda-latent-public-url']);
  });

  test('Principal * on InvokeFunction is public invoke, pointing at the permission', async () => {
    const s = await scan({ App: fn({}), Open: permission({ Principal: '*' }) });
    const f = resultOf(s, 'App').findings.find((x) => x.ruleId === 'lambda-public-invoke');
    expect(f?.severity).toBe('critical');
    expect(f?.location.logicalId).toBe('Open');
  });

  test('a service principal needs SourceArn or SourceAccount', async () => {
    const unscoped = await scan({ App: fn({}), P: permission({ Principal: 's3.amazonaws.com' }) });
    const byArn = await scan({ App: fn({}), P: permission({ Principal: 'events.amazonaws.com', SourceArn: { 'Fn::GetAtt': ['Rule', 'Arn'] } }), Rule: { Type: 'AWS::Events::Rule' } });
    const byAccount = await scan({ App: fn({}), P: permission({ Principal: 's3.amazonaws.com', SourceAccount: { Ref: 'AWS::AccountId' } }) });
    expect(rules(resultOf(unscoped, 'App'))).toEqual(['lambda-confused-deputy']);
    expect(resultOf(byArn, 'App').outcome).toBe('clean');
    expect(resultOf(byAccount, 'App').outcome).toBe('clean');
  });

  test('another account is cross-account unless trusted; the own account is not', async () => {
    const other = { App: fn({}), P: permission({ Principal: '999988887777' }) };
    expect(rules(resultOf(await scan(other), 'App'))).toEqual(['lambda-cross-account']);
    expect(resultOf(await scan(other, {}, { trustedAccounts: ['999988887777'] }), 'App').outcome).toBe('clean');
    expect(resultOf(await scan({ App: fn({}), P: permission({ Principal: { Ref: 'AWS::AccountId' } }) }), 'App').outcome).toBe('clean');
  });

  test('PrincipalOrgID keeps a * grant inside the organization', async () => {
    const s = await scan({ App: fn({}), P: permission({ Principal: '*', PrincipalOrgID: 'o-abc123' }) }, {}, { orgId: 'o-abc123' });
    expect(resultOf(s, 'App').outcome).toBe('clean');
  });

  test('a permission on an alias is judged for that alias', async () => {
    const s = await scan({
      App: fn({}),
      Live: { Type: 'AWS::Lambda::Alias', Properties: { FunctionName: { Ref: 'App' }, Name: 'live', FunctionVersion: '1' } },
      P: { Type: 'AWS::Lambda::Permission', Properties: { FunctionName: { Ref: 'Live' }, Action: 'lambda:InvokeFunction', Principal: '*' } },
    });
    const f = resultOf(s, 'App').findings[0];
    expect(f?.ruleId).toBe('lambda-public-invoke');
    expect(f?.subject?.qualifier).toBe('live');
  });

  test('a permission on a function outside the template is still judged', async () => {
    const s = await scan({ P: { Type: 'AWS::Lambda::Permission', Properties: { FunctionName: 'legacy-fn', Action: 'lambda:InvokeFunction', Principal: '*' } } });
    const r = s.results.find((x) => x.logicalId === 'P');
    expect(r?.resourceArn).toBe('arn:aws:lambda:us-east-1:111122223333:function:legacy-fn');
    expect(r?.findings.map((f) => f.ruleId)).toEqual(['lambda-public-invoke']);
  });

  test('SAM FunctionUrlConfig NONE is a public URL (SAM adds the public permission)', async () => {
    const s = await scan({ App: { Type: 'AWS::Serverless::Function', Properties: { Role: 'arn:aws:iam::111122223333:role/r', FunctionUrlConfig: { AuthType: 'NONE' } } } });
    const f = resultOf(s, 'App').findings[0];
    expect(f?.ruleId).toBe('lambda-public-url');
    expect(f?.location.path).toEqual(['Resources', 'App', 'Properties', 'FunctionUrlConfig']);
  });

  test('SAM FunctionUrlConfig AWS_IAM is clean', async () => {
    const s = await scan({ App: { Type: 'AWS::Serverless::Function', Properties: { Role: 'arn:aws:iam::111122223333:role/r', FunctionUrlConfig: { AuthType: 'AWS_IAM' } } } });
    expect(resultOf(s, 'App').outcome).toBe('clean');
  });
});
