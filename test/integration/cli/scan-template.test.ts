import Ajv from 'ajv';
import fc from 'fast-check';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { main } from '../../../cli/warden';
import { stringify } from 'yaml';
import { InvalidTemplateError } from '../../../domain/template';
import { loadTemplate, parseTemplateText } from '../../../infra/template/load-template';

const FIXTURES = join(__dirname, '../../fixtures/templates');
const SECRETS_IN_FIXTURES = ['correct-Horse-battery-9', 'Tr0ub4dor-and-3'];

let dir: string;
let keyFile: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'warden-scan-template-'));
  keyFile = join(dir, 'fingerprint.key');
  await writeFile(keyFile, `${'ab'.repeat(32)}\n`);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(['scan-template', '--fingerprint-key-file', keyFile, ...args], { write: (t) => void (out += t), isTTY: false }, { write: (t) => void (err += t), isTTY: false });
  return { code, out, err };
}

async function file(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, text);
  return path;
}

interface JsonResult {
  file: string;
  logicalId: string;
  outcome: string;
  reason: string;
  findings: { ruleId: string; severity: string; location: { logicalId: string; path: string; line?: number } }[];
}

function jsonResults(out: string): JsonResult[] {
  return out
    .trim()
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as JsonResult);
}

const ruleIdsOf = (results: readonly JsonResult[], logicalId: string): string[] =>
  [...new Set(results.filter((r) => r.logicalId === logicalId).flatMap((r) => r.findings.map((f) => f.ruleId)))].sort();

const SHORT_TAGS = `AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  Env: { Type: String }
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  NotProd: !Not [!Condition IsProd]
  Both: !And [!Condition IsProd, !Or [!Condition NotProd, !Condition IsProd]]
Mappings:
  M: { us-east-1: { Name: one } }
Resources:
  App:
    Type: AWS::IAM::Role
    Properties:
      RoleName: !Join ['-', [app, !Ref Env, !Select [0, !Split [',', 'a,b']]]]
      Description: !FindInMap [M, !Ref 'AWS::Region', Name]
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: { Service: !Sub 'lambda.\${AWS::URLSuffix}' }
            Action: sts:AssumeRole
      Policies:
        - PolicyName: p
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: '*'
                Resource: !If [IsProd, '*', !GetAtt Other.Arn]
      Tags:
        - { Key: az, Value: !Select [0, !GetAZs ''] }
        - { Key: b64, Value: !Base64 x }
        - { Key: cidr, Value: !Select [0, !Cidr ['10.0.0.0/16', 2, 8]] }
        - { Key: imp, Value: !ImportValue shared-thing }
        - { Key: list, Value: !GetAtt [Other, Arn] }
  Other:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: { Statement: [{ Effect: Allow, Principal: { Service: lambda.amazonaws.com }, Action: sts:AssumeRole }] }
`;

describe('loading templates', () => {
  test('short-form tags become the long form, GetAtt in both forms', () => {
    const loaded = parseTemplateText(SHORT_TAGS, 't.yaml');
    const value = loaded.value as { Resources: { App: { Properties: Record<string, unknown> } }; Conditions: Record<string, unknown> };
    const props = value.Resources.App.Properties;
    expect(props.RoleName).toEqual({ 'Fn::Join': ['-', ['app', { Ref: 'Env' }, { 'Fn::Select': [0, { 'Fn::Split': [',', 'a,b'] }] }]] });
    expect(props.Description).toEqual({ 'Fn::FindInMap': ['M', { Ref: 'AWS::Region' }, 'Name'] });
    expect(value.Conditions.Both).toEqual({ 'Fn::And': [{ Condition: 'IsProd' }, { 'Fn::Or': [{ Condition: 'NotProd' }, { Condition: 'IsProd' }] }] });
    const tags = props.Tags as { Value: unknown }[];
    expect(tags.map((t) => t.Value)).toEqual([
      { 'Fn::Select': [0, { 'Fn::GetAZs': '' }] },
      { 'Fn::Base64': 'x' },
      { 'Fn::Select': [0, { 'Fn::Cidr': ['10.0.0.0/16', 2, 8] }] },
      { 'Fn::ImportValue': 'shared-thing' },
      { 'Fn::GetAtt': ['Other', 'Arn'] },
    ]);
    const policies = props.Policies as { PolicyDocument: { Statement: { Resource: unknown }[] } }[];
    expect(policies[0]?.PolicyDocument.Statement[0]?.Resource).toEqual({ 'Fn::If': ['IsProd', '*', { 'Fn::GetAtt': ['Other', 'Arn'] }] });
  });

  test('keeps the line of every key and list item', () => {
    const loaded = parseTemplateText(SHORT_TAGS, 't.yaml');
    expect(loaded.lineOf(['Resources', 'App'])).toBe(11);
    expect(loaded.lineOf(['Resources', 'App', 'Properties', 'Policies', 0, 'PolicyDocument', 'Statement', 0])).toBe(25);
    expect(loaded.lineOf(['Resources', 'App', 'Properties', 'NoSuchThing'])).toBe(13);
  });

  test('JSON has lines too, and JSON that YAML rejects (tab indentation) still loads', () => {
    const json = parseTemplateText('{\n  "Resources": {\n    "A": { "Type": "AWS::SQS::Queue" }\n  }\n}\n', 't.json');
    expect(json.lineOf(['Resources', 'A'])).toBe(3);
    const tabbed = parseTemplateText('{\n\t"Resources": {\n\t\t"A": {"Type": "AWS::SQS::Queue"}\n\t}\n}', 't.json');
    expect(tabbed.value).toEqual({ Resources: { A: { Type: 'AWS::SQS::Queue' } } });
  });

  test.each<[string, string, RegExp]>([
    ['an unknown tag, with its line', 'Resources:\n  A:\n    Type: !Bogus x\n', /t\.yaml at line 3: unknown tag !Bogus/],
    ['!Ref of a list', 'Resources:\n  A:\n    Type: !Ref [a]\n', /!Ref takes a name/],
    ['!GetAtt without an attribute', 'Resources:\n  A:\n    Type: !GetAtt Role\n', /LogicalId\.Attribute/],
    ['invalid YAML', 'Resources:\n  A: [\n', /not valid YAML/],
    ['invalid JSON', '{"Resources": {"A": }', /not valid JSON/],
    ['duplicate keys', 'Resources:\n  A: {Type: X}\n  A: {Type: Y}\n', /not valid YAML/],
    ['an alias bomb', `a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n`, /alias expansions/],
  ])('%s is an InvalidTemplateError', (_name, text, message) => {
    expect(() => parseTemplateText(text, 't.yaml')).toThrow(InvalidTemplateError);
    expect(() => parseTemplateText(text, 't.yaml')).toThrow(message);
  });

  test('any JSON document loads to itself, written as JSON or as YAML', () => {
    // -0 has no JSON spelling and YAML keys are strings: compare what JSON can say.
    const doc = fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 6 }).map((d) => JSON.parse(JSON.stringify(d)) as unknown);
    fc.assert(
      fc.property(doc, (d) => {
        expect(parseTemplateText(JSON.stringify(d), 'p.json').value).toEqual(d);
        expect(parseTemplateText(JSON.stringify(d, null, 2), 'p.json').value).toEqual(d);
        expect(parseTemplateText(stringify(d), 'p.yaml').value).toEqual(d);
      }),
      { numRuns: 150 },
    );
  });

  test('a missing file and a directory are InvalidTemplateErrors', async () => {
    await expect(loadTemplate(join(dir, 'missing.yaml'))).rejects.toThrow(/cannot read the file \(ENOENT\)/);
    await expect(loadTemplate(dir)).rejects.toThrow(/not a file/);
  });
});

describe('warden scan-template', () => {
  test('a YAML template with short tags: findings at their logical id and line, exit 1', async () => {
    const path = await file('short-tags.yaml', SHORT_TAGS);
    const { code, out } = await run('--format', 'json', path);
    expect(code).toBe(1);
    const results = jsonResults(out);
    const admin = results.find((r) => r.logicalId === 'App')?.findings.find((f) => f.ruleId === 'iam-admin-equivalent');
    expect(admin?.location).toMatchObject({ logicalId: 'App', path: 'Resources.App.Properties.Policies[0].PolicyDocument.Statement[0]', line: 25 });
    expect(results.find((r) => r.logicalId === 'Other')?.outcome).toBe('clean');
  });

  test('--fail-on decides the exit code; a clean template exits 0', async () => {
    const clean = await file('clean.yaml', 'Resources:\n  Q:\n    Type: AWS::SQS::Queue\n');
    expect((await run(clean)).code).toBe(0);
    const path = await file('broad.yaml', SHORT_TAGS);
    expect((await run('--fail-on', 'none', path)).code).toBe(0);
    expect((await run('--fail-on', 'critical', path)).code).toBe(1);
  });

  test('a file that cannot be read gives exit 2, and the other files are still scanned', async () => {
    const good = await file('good.yaml', SHORT_TAGS);
    const bad = await file('bad.yaml', 'Resources:\n  A: !Nope x\n');
    const { code, out } = await run('--format', 'json', bad, good);
    expect(code).toBe(2);
    const results = jsonResults(out);
    expect(results[0]).toMatchObject({ outcome: 'error' });
    expect(results[0]?.reason).toMatch(/bad\.yaml at line 2: unknown tag !Nope/);
    expect(results.some((r) => r.logicalId === 'App' && r.outcome === 'finding')).toBe(true);
  });

  test('--config exemptions and a warden:exempt tag in the template make findings "ignored"', async () => {
    const tagged = await file('tagged.yaml', SHORT_TAGS.replace('      Tags:\n', "      Tags:\n        - { Key: 'warden:exempt', Value: 'reason=sandbox expires=2999-01-01' }\n"));
    const byTag = await run('--format', 'json', tagged);
    expect(byTag.code).toBe(0);
    expect(jsonResults(byTag.out).find((r) => r.logicalId === 'App')).toMatchObject({ outcome: 'ignored', findings: [] });
    const config = await file('warden.yaml', "exemptions:\n  - resource: 'arn:aws:iam::*:role/app-*'\n    reason: reviewed\n    expires: '2999-01-01'\n");
    const byConfig = await run('--config', config, await file('again.yaml', SHORT_TAGS));
    expect(byConfig.code).toBe(0);
    expect(byConfig.out).toMatch(/ignored +App/);
    const badConfig = await file('bad-config.yaml', 'mode: sometimes\n');
    expect((await run('--config', badConfig, tagged)).code).toBe(2);
  });

  test('usage errors exit 2', async () => {
    expect((await run()).code).toBe(2);
    expect((await run('--format', 'xml', 'x.yaml')).code).toBe(2);
    expect((await run('--format', 'asff', join(FIXTURES, 'sam-app.yaml'))).code).toBe(2);
    expect((await run('--account-id', '12', join(FIXTURES, 'sam-app.yaml'))).code).toBe(2);
  });

  test('the SAM fixture: generated role, public URL, plaintext password, open trust policy', async () => {
    const { code, out } = await run('--format', 'json', join(FIXTURES, 'sam-app.yaml'));
    expect(code).toBe(1);
    const results = jsonResults(out);
    expect(ruleIdsOf(results, 'OrdersFunctionRole')).toEqual(['iam-admin-equivalent']);
    expect(ruleIdsOf(results, 'OrdersFunction')).toEqual(['lambda-env-secret-named', 'lambda-public-url']);
    expect(ruleIdsOf(results, 'ReportsRole')).toEqual(['iam-trust-public']);
    expect(results.find((r) => r.logicalId === 'ReportsFunction')?.outcome).toBe('clean');
    expect(results.find((r) => r.logicalId === 'OrdersFunctionRole')?.reason).toContain('S3ReadPolicy is not evaluated');
  });

  test('the CloudFormation fixture: AWS-managed ARN by !Sub, managed policy, secret in !Sub, public URL', async () => {
    const { out } = await run('--format', 'json', join(FIXTURES, 'cfn-over-broad.yaml'));
    const results = jsonResults(out);
    expect(ruleIdsOf(results, 'IngestRole')).toEqual(['iam-admin-equivalent']);
    expect(ruleIdsOf(results, 'DataPolicy')).toContain('iam-service-wildcard');
    expect(ruleIdsOf(results, 'ScopedRole')).toContain('iam-service-wildcard');
    expect(ruleIdsOf(results, 'IngestFunction')).toEqual(['lambda-env-secret-credential-url', 'lambda-public-url']);
    const url = results.find((r) => r.logicalId === 'IngestFunction')?.findings.find((f) => f.ruleId === 'lambda-public-url');
    expect(url?.location).toMatchObject({ logicalId: 'IngestUrl', line: 92 });
  });

  test('the packaged Serverless fixture: service wildcard, secret, unscoped S3 permission', async () => {
    const { out } = await run('--format', 'json', join(FIXTURES, 'serverless-packaged.json'));
    const results = jsonResults(out);
    expect(ruleIdsOf(results, 'IamRoleLambdaExecution')).toEqual(['iam-data-exfiltration', 'iam-resource-exposure', 'iam-service-wildcard']);
    expect(ruleIdsOf(results, 'HelloLambdaFunction')).toEqual(['lambda-confused-deputy', 'lambda-env-secret-named']);
  });

  test('SARIF output validates against the SARIF 2.1.0 schema and points at files and lines', async () => {
    const schema = JSON.parse(await readFile(join(FIXTURES, 'sarif-2.1.0-subset.schema.json'), 'utf8')) as object;
    const validate = new Ajv({ allErrors: true }).compile(schema);
    const bad = await file('broken.yaml', 'Resources: [\n');
    const { code, out } = await run('--format', 'sarif', join(FIXTURES, 'sam-app.yaml'), join(FIXTURES, 'cfn-over-broad.yaml'), bad);
    expect(code).toBe(2);
    const log = JSON.parse(out) as { version: string; runs: { results: { locations: { physicalLocation: { artifactLocation: { uri: string }; region?: { startLine: number } } }[] }[]; invocations: { executionSuccessful: boolean }[] }[] };
    expect(validate(log)).toBe(true);
    expect(validate.errors ?? []).toEqual([]);
    const run0 = log.runs[0];
    expect(run0?.invocations[0]?.executionSuccessful).toBe(false);
    const uris = new Set(run0?.results.map((r) => r.locations[0]?.physicalLocation.artifactLocation.uri));
    expect(uris).toEqual(new Set([relative(process.cwd(), join(FIXTURES, 'sam-app.yaml')), relative(process.cwd(), join(FIXTURES, 'cfn-over-broad.yaml'))]));
    expect(run0?.results.every((r) => (r.locations[0]?.physicalLocation.region?.startLine ?? 0) > 0)).toBe(true);
  });

  test('ASFF output has the required fields for the account and region given', async () => {
    const { code, out } = await run('--format', 'asff', '--account-id', '111122223333', '--region', 'eu-west-1', join(FIXTURES, 'sam-app.yaml'));
    expect(code).toBe(1);
    const findings = JSON.parse(out) as Record<string, unknown>[];
    expect(findings.length).toBe(4);
    for (const f of findings) {
      expect(f).toMatchObject({ SchemaVersion: '2018-10-08', AwsAccountId: '111122223333', ProductArn: 'arn:aws:securityhub:eu-west-1:111122223333:product/111122223333/default' });
      expect(JSON.stringify(f.Resources)).toContain('111122223333');
    }
  });

  test.each(['table', 'json', 'sarif'])('no secret value appears in %s output', async (format) => {
    const { out, err } = await run('--format', format, join(FIXTURES, 'sam-app.yaml'), join(FIXTURES, 'cfn-over-broad.yaml'), join(FIXTURES, 'serverless-packaged.json'));
    for (const secret of SECRETS_IN_FIXTURES) {
      expect(out).not.toContain(secret);
      expect(err).not.toContain(secret);
    }
    expect(out.length).toBeGreaterThan(100);
  });

  test('the table names each file, resource, finding with its line, and sums up', async () => {
    const { out } = await run(join(FIXTURES, 'cfn-over-broad.yaml'));
    expect(out).toContain('IngestRole');
    expect(out).toMatch(/CRITICAL iam-admin-equivalent .*cfn-over-broad\.yaml:28/);
    expect(out).toMatch(/1 template, \d+ resources: .*findings: 1 critical/);
  });
});
