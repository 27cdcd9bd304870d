import { InvalidInputError } from '../../../domain/errors';
import { analyzeExposure, ExposureError, InvalidResourcePolicyError, type ExposureInput, type ExposureIssue } from '../../../domain/exposure';
import type { FunctionUrlState } from '../../../domain/ports';

const ACCOUNT = '111122223333';
const FOREIGN = '999988887777';
const ORG = 'o-abc123def4';
const FN = `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:orders`;

type Json = Record<string, unknown>;

function policy(...statements: Json[]): string {
  return JSON.stringify({ Version: '2012-10-17', Id: 'default', Statement: statements });
}

function allow(extra: Json): Json {
  return { Sid: 'S', Effect: 'Allow', Resource: FN, ...extra };
}

function url(authType: 'NONE' | 'AWS_IAM', qualifier?: string): FunctionUrlState {
  return { functionUrl: 'https://abc123.lambda-url.eu-west-1.on.aws/', functionArn: qualifier ? `${FN}:${qualifier}` : FN, authType };
}

function analyze(overrides: Partial<ExposureInput>): readonly ExposureIssue[] {
  return analyzeExposure({ functionArn: FN, accountId: ACCOUNT, urlConfigs: [], policies: [], ...overrides });
}

function rules(issues: readonly ExposureIssue[]): string[] {
  return issues.map((i) => (i.qualifier ? `${i.ruleId}@${i.qualifier}` : i.ruleId));
}

const PUBLIC_INVOKE = allow({ Principal: '*', Action: 'lambda:InvokeFunction' });
const URL_GRANT = allow({ Sid: 'FunctionURLAllowPublicAccess', Principal: '*', Action: 'lambda:InvokeFunctionUrl', Condition: { StringEquals: { 'lambda:FunctionUrlAuthType': 'NONE' } } });
const VIA_URL_GRANT = allow({ Sid: 'FunctionURLInvokeAllowPublicAccess', Principal: '*', Action: 'lambda:InvokeFunction', Condition: { Bool: { 'lambda:InvokedViaFunctionUrl': 'true' } } });

describe('public-invoke', () => {
  it.each([
    ['Principal "*"', { Principal: '*' }],
    ['{"AWS": "*"}', { Principal: { AWS: '*' } }],
    ['an account wildcard', { Principal: { AWS: 'arn:aws:iam::*:root' } }],
    ['NotPrincipal (everyone but some)', { NotPrincipal: { AWS: `arn:aws:iam::${ACCOUNT}:root` } }],
  ])('is critical for %s', (_name, principal) => {
    const issues = analyze({ policies: [{ policy: policy(allow({ ...principal, Action: 'lambda:InvokeFunction' })) }] });
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ ruleId: 'lambda-public-invoke', severity: 'critical', evidence: { statementIndex: 0, sid: 'S' } });
  });

  it.each([
    ['lambda:*', 'lambda:*'],
    ['*', '*'],
    ['lambda:Invoke*', 'lambda:Invoke*'],
    ['a different case', 'Lambda:invokefunction'],
    ['an array', ['lambda:GetFunction', 'lambda:InvokeFunction']],
  ])('covers actions written as %s', (_name, action) => {
    expect(rules(analyze({ policies: [{ policy: policy(allow({ Principal: '*', Action: action })) }] }))).toEqual(['lambda-public-invoke']);
  });

  it('covers NotAction that does not exclude InvokeFunction', () => {
    const issues = analyze({ policies: [{ policy: policy(allow({ Principal: '*', NotAction: 'lambda:DeleteFunction' })) }] });
    expect(rules(issues)).toEqual(['lambda-public-invoke']);
  });

  it('ignores Deny statements and grants of other actions', () => {
    const statements = [
      { Sid: 'D', Effect: 'Deny', Principal: '*', Action: 'lambda:InvokeFunction', Resource: FN },
      allow({ Principal: '*', NotAction: 'lambda:Invoke*' }),
    ];
    expect(analyze({ policies: [{ policy: policy(...statements) }] })).toEqual([]);
  });

  it.each([
    ['aws:SourceArn', { ArnLike: { 'aws:SourceArn': 'arn:aws:execute-api:eu-west-1:111122223333:abc123/*' } }],
    ['aws:SourceAccount', { StringEquals: { 'aws:SourceAccount': ACCOUNT } }],
    ['aws:PrincipalOrgID of the own organization', { StringEquals: { 'aws:PrincipalOrgID': ORG } }],
    ['aws:PrincipalAccount of the owner', { StringEquals: { 'aws:PrincipalAccount': ACCOUNT } }],
  ])('is not public when %s restricts the caller', (_name, condition) => {
    const issues = analyze({ orgId: ORG, policies: [{ policy: policy(allow({ Principal: '*', Action: 'lambda:InvokeFunction', Condition: condition })) }] });
    expect(issues).toEqual([]);
  });

  it.each([
    ['lambda:FunctionUrlAuthType alone', { StringEquals: { 'lambda:FunctionUrlAuthType': 'NONE' } }, 'lambda:FunctionUrlAuthType'],
    ['an IfExists SourceArn', { ArnLikeIfExists: { 'aws:SourceArn': 'arn:aws:s3:::orders' } }, 'aws:SourceArn'],
    ['a wildcard-only SourceArn', { ArnLike: { 'aws:SourceArn': '*' } }, 'aws:SourceArn'],
    ['aws:SecureTransport', { Bool: { 'aws:SecureTransport': 'true' } }, 'aws:SecureTransport'],
  ])('stays public when the condition is only %s, and says which condition failed', (_name, condition, key) => {
    const [found] = analyze({ policies: [{ policy: policy(allow({ Principal: '*', Action: 'lambda:InvokeFunction', Condition: condition })) }] });
    expect(found).toMatchObject({ ruleId: 'lambda-public-invoke', evidence: { condition: { strength: 'weak', weaknesses: [expect.objectContaining({ key }) as unknown] } } });
  });

  it('is not reported for conditions that can never hold', () => {
    const condition = { StringEquals: { 'aws:SourceAccount': ACCOUNT }, StringNotEquals: { 'aws:SourceAccount': ACCOUNT } };
    expect(analyze({ policies: [{ policy: policy(allow({ Principal: '*', Action: 'lambda:InvokeFunction', Condition: condition })) }] })).toEqual([]);
  });

  it('does not count an InvokeFunction grant limited to calls through the URL', () => {
    expect(analyze({ policies: [{ policy: policy(VIA_URL_GRANT) }] })).toEqual([]);
  });

  it('is silenced by a function-level public-access block', () => {
    expect(analyze({ publicAccessBlock: true, policies: [{ policy: policy(PUBLIC_INVOKE) }] })).toEqual([]);
  });
});

describe('function URLs', () => {
  it('public-url (high) under the October 2025 model, with both permissions, and no public-invoke', () => {
    const issues = analyze({ urlConfigs: [url('NONE')], policies: [{ policy: policy(URL_GRANT, VIA_URL_GRANT) }] });
    expect(rules(issues)).toEqual(['lambda-public-url']);
    expect(issues[0]).toMatchObject({
      severity: 'high',
      evidence: {
        authType: 'NONE',
        permissionModel: 'both-permissions',
        invokeFunctionUrlStatements: [{ statementIndex: 0, sid: 'FunctionURLAllowPublicAccess' }],
        invokeFunctionStatements: [{ statementIndex: 1, sid: 'FunctionURLInvokeAllowPublicAccess' }],
      },
    });
  });

  it('public-url for a URL with only lambda:InvokeFunctionUrl granted (URLs made before October 2025), saying so', () => {
    const [found] = analyze({ urlConfigs: [url('NONE')], policies: [{ policy: policy(URL_GRANT) }] });
    expect(found).toMatchObject({ ruleId: 'lambda-public-url', evidence: { permissionModel: 'invoke-function-url-only' } });
    expect(String(found?.evidence.note)).toContain('October 2025');
  });

  it('treats lambda:FunctionUrlAuthType as not restricting who may call', () => {
    const [found] = analyze({ urlConfigs: [url('NONE')], policies: [{ policy: policy(URL_GRANT) }] });
    expect(found?.evidence.invokeFunctionUrlStatements).toEqual([
      expect.objectContaining({ condition: expect.objectContaining({ strength: 'weak' }) as unknown }),
    ]);
  });

  it('public-url and public-invoke both when anyone may invoke any way', () => {
    const issues = analyze({ urlConfigs: [url('NONE')], policies: [{ policy: policy(allow({ Principal: '*', Action: 'lambda:*' })) }] });
    expect(rules(issues)).toEqual(['lambda-public-invoke', 'lambda-public-url']);
  });

  it('latent-public-url (medium) for AuthType NONE without a public grant', () => {
    const issues = analyze({ urlConfigs: [url('NONE')], policies: [{ policy: undefined }] });
    expect(issues).toEqual([expect.objectContaining({ ruleId: 'lambda-latent-public-url', severity: 'medium', evidence: expect.objectContaining({ authType: 'NONE' }) as unknown })]);
  });

  it('latent-public-url when only lambda:InvokeFunction (via URL) is granted: every model needs InvokeFunctionUrl', () => {
    expect(rules(analyze({ urlConfigs: [url('NONE')], policies: [{ policy: policy(VIA_URL_GRANT) }] }))).toEqual(['lambda-latent-public-url']);
  });

  it('latent-public-url when the URL grant is restricted to the organization', () => {
    const grant = allow({ Principal: '*', Action: 'lambda:InvokeFunctionUrl', Condition: { StringEquals: { 'aws:PrincipalOrgID': ORG } } });
    expect(rules(analyze({ orgId: ORG, urlConfigs: [url('NONE')], policies: [{ policy: policy(grant) }] }))).toEqual(['lambda-latent-public-url']);
  });

  it('latent-public-url, not public-url, under a public-access block', () => {
    const issues = analyze({ publicAccessBlock: true, urlConfigs: [url('NONE')], policies: [{ policy: policy(URL_GRANT, VIA_URL_GRANT) }] });
    expect(issues).toEqual([expect.objectContaining({ ruleId: 'lambda-latent-public-url', evidence: expect.objectContaining({ publicAccessBlock: true }) as unknown })]);
  });

  it('any-account-url (medium) for AWS_IAM with a "*" grant', () => {
    const grant = allow({ Principal: '*', Action: 'lambda:InvokeFunctionUrl' });
    expect(analyze({ urlConfigs: [url('AWS_IAM')], policies: [{ policy: policy(grant) }] })).toEqual([
      expect.objectContaining({ ruleId: 'lambda-any-account-url', severity: 'medium', evidence: expect.objectContaining({ authType: 'AWS_IAM' }) as unknown }),
    ]);
  });

  it('no any-account-url when the "*" grant is pinned to AuthType NONE', () => {
    expect(analyze({ urlConfigs: [url('AWS_IAM')], policies: [{ policy: policy(URL_GRANT) }] })).toEqual([]);
  });

  it('nothing for AWS_IAM URLs granted to the own account', () => {
    const grant = allow({ Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/caller` }, Action: 'lambda:InvokeFunctionUrl' });
    expect(analyze({ urlConfigs: [url('AWS_IAM')], policies: [{ policy: policy(grant) }] })).toEqual([]);
  });
});

describe('aliases and versions', () => {
  it('reports a public statement on an alias or version with its qualifier', () => {
    const issues = analyze({
      policies: [
        { policy: undefined },
        { qualifier: 'live', policy: policy(PUBLIC_INVOKE) },
        { qualifier: '7', policy: policy(PUBLIC_INVOKE) },
      ],
    });
    expect(rules(issues)).toEqual(['lambda-public-invoke@7', 'lambda-public-invoke@live']);
    expect(issues.find((i) => i.qualifier === 'live')?.title).toBe('Anyone can invoke orders:live');
  });

  it('treats $LATEST as the unqualified function', () => {
    const issues = analyze({ urlConfigs: [url('NONE')], policies: [{ qualifier: '$LATEST', policy: policy(URL_GRANT) }] });
    expect(issues).toEqual([expect.objectContaining({ ruleId: 'lambda-public-url' })]);
    expect(issues[0]?.qualifier).toBeUndefined();
  });

  it('judges an alias URL by the alias policy only', () => {
    const aliasUrl = [url('NONE', 'live')];
    const onFunction = analyze({ urlConfigs: aliasUrl, policies: [{ policy: policy(URL_GRANT) }, { qualifier: 'live', policy: undefined }] });
    const onAlias = analyze({ urlConfigs: aliasUrl, policies: [{ policy: undefined }, { qualifier: 'live', policy: policy(URL_GRANT) }] });
    expect(rules(onFunction)).toEqual(['lambda-latent-public-url@live']);
    expect(rules(onAlias)).toEqual(['lambda-public-url@live']);
  });

  it('judges the function URL by the function policy, not an alias policy', () => {
    const issues = analyze({ urlConfigs: [url('NONE')], policies: [{ qualifier: 'live', policy: policy(URL_GRANT) }] });
    expect(rules(issues)).toEqual(['lambda-latent-public-url']);
  });
});

describe('cross-account', () => {
  it.each([
    ['an account root ARN', `arn:aws:iam::${FOREIGN}:root`],
    ['a bare account id', FOREIGN],
    ['a role of the other account', `arn:aws:iam::${FOREIGN}:role/ci`],
  ])('reports %s that is not trusted', (_name, principal) => {
    const issues = analyze({ policies: [{ policy: policy(allow({ Principal: { AWS: principal }, Action: 'lambda:InvokeFunction' })) }] });
    expect(issues).toEqual([expect.objectContaining({ ruleId: 'lambda-cross-account', severity: 'medium', evidence: expect.objectContaining({ accounts: [FOREIGN] }) as unknown })]);
  });

  it('does not report the own account or trusted accounts', () => {
    const statement = allow({ Principal: { AWS: [`arn:aws:iam::${FOREIGN}:root`, ACCOUNT] }, Action: 'lambda:InvokeFunction' });
    expect(analyze({ trustedAccounts: [FOREIGN], policies: [{ policy: policy(statement) }] })).toEqual([]);
  });

  it('reports "*" narrowed by a condition to a foreign account as cross-account, not public', () => {
    const statement = allow({ Principal: '*', Action: 'lambda:InvokeFunction', Condition: { StringEquals: { 'aws:PrincipalAccount': FOREIGN } } });
    expect(rules(analyze({ policies: [{ policy: policy(statement) }] }))).toEqual(['lambda-cross-account']);
  });
});

describe('confused deputy', () => {
  const s3 = (condition?: Json): string => policy(allow({ Principal: { Service: 's3.amazonaws.com' }, Action: 'lambda:InvokeFunction', ...(condition ? { Condition: condition } : {}) }));

  it('reports a service principal without source scoping (high)', () => {
    expect(analyze({ policies: [{ policy: s3() }] })).toEqual([
      expect.objectContaining({ ruleId: 'lambda-confused-deputy', severity: 'high', evidence: expect.objectContaining({ services: ['s3.amazonaws.com'] }) as unknown }),
    ]);
  });

  it.each([
    ['aws:SourceArn', { ArnLike: { 'aws:SourceArn': 'arn:aws:s3:::orders-uploads' } }],
    ['aws:SourceAccount', { StringEquals: { 'aws:SourceAccount': ACCOUNT } }],
  ])('is satisfied by %s', (_name, condition) => {
    expect(analyze({ policies: [{ policy: s3(condition) }] })).toEqual([]);
  });

  it.each([
    ['a wildcard SourceArn', { ArnLike: { 'aws:SourceArn': '*' } }],
    ['an IfExists SourceAccount', { StringEqualsIfExists: { 'aws:SourceAccount': ACCOUNT } }],
    ['aws:PrincipalOrgID (a service has no organization)', { StringEquals: { 'aws:PrincipalOrgID': ORG } }],
  ])('is not satisfied by %s', (_name, condition) => {
    expect(rules(analyze({ orgId: ORG, policies: [{ policy: s3(condition) }] }))).toEqual(['lambda-confused-deputy']);
  });
});

describe('invalid policies', () => {
  it.each([
    ['not JSON', '{"Statement": [', undefined],
    ['no Statement', '{"Version":"2012-10-17"}', 'live'],
    ['a statement without Effect', JSON.stringify({ Statement: [{ Principal: '*', Action: 'lambda:InvokeFunction' }] }), '3'],
    ['an array', '[]', undefined],
  ])('throws a typed error for %s, naming the qualifier but not the text', (_name, text, qualifier) => {
    const run = (): unknown => analyze({ policies: [{ ...(qualifier ? { qualifier } : {}), policy: text }] });
    expect(run).toThrow(InvalidResourcePolicyError);
    try {
      run();
    } catch (error) {
      expect(error).toBeInstanceOf(ExposureError);
      expect(error).toBeInstanceOf(InvalidInputError);
      const typed = error as InvalidResourcePolicyError;
      expect(typed.name).toBe('InvalidResourcePolicyError');
      expect(typed.retryable).toBe(false);
      expect(typed.qualifier).toBe(qualifier);
      expect(typed.message).not.toContain(text);
      if (qualifier) expect(typed.message).toContain(qualifier);
    }
  });

  it('treats an empty policy text as no policy', () => {
    expect(analyze({ policies: [{ policy: '' }] })).toEqual([]);
  });
});

describe('the whole picture', () => {
  it('orders issues by severity, then rule, qualifier and statement', () => {
    const issues = analyze({
      urlConfigs: [url('NONE'), url('AWS_IAM', 'live')],
      policies: [
        { policy: policy(PUBLIC_INVOKE, allow({ Sid: 'X', Principal: { AWS: FOREIGN }, Action: 'lambda:InvokeFunction' })) },
        { qualifier: 'live', policy: policy(allow({ Principal: { Service: 'sns.amazonaws.com' }, Action: 'lambda:InvokeFunction' }), allow({ Principal: '*', Action: 'lambda:InvokeFunctionUrl' })) },
      ],
    });
    expect(rules(issues)).toEqual([
      'lambda-public-invoke',
      'lambda-confused-deputy@live',
      'lambda-any-account-url@live',
      'lambda-cross-account',
      'lambda-latent-public-url',
    ]);
    for (const found of issues) {
      expect(found.title.length).toBeGreaterThan(0);
      expect(found.why.length).toBeGreaterThan(0);
      expect(found.fix.length).toBeGreaterThan(0);
    }
  });

  it('is clean for a function with neither URL nor policy', () => {
    expect(analyze({})).toEqual([]);
  });
});

describe('bare-string principals (as emulators and older tools write them)', () => {
  it('reads an account id as an AWS principal and a service name as a Service principal', () => {
    const text = policy(
      allow({ Sid: 'Partner', Principal: FOREIGN, Action: 'lambda:InvokeFunction' }),
      allow({ Sid: 'Bucket', Principal: 's3.amazonaws.com', Action: 'lambda:InvokeFunction' }),
    );
    expect(rules(analyze({ policies: [{ policy: text }] })).sort()).toEqual(['lambda-confused-deputy', 'lambda-cross-account']);
  });

  it('still rejects a principal of the wrong type', () => {
    const text = policy(allow({ Principal: 42, Action: 'lambda:InvokeFunction' }));
    expect(() => analyze({ policies: [{ policy: text }] })).toThrow(InvalidResourcePolicyError);
  });
});
