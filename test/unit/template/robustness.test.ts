import fc from 'fast-check';
import { InvalidTemplateError, materialize, parseTemplate, resolveString, scanTemplate } from '../../../domain/template';
import { FakeAwsManagedPolicies, TEST_KEY } from './fakes';

/** Template values as people (and generators) write them: JSON data with intrinsics mixed in. */
const intrinsic = (inner: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> =>
  fc.oneof(
    fc.record({ Ref: fc.constantFrom('AWS::AccountId', 'AWS::NoValue', 'AWS::Region', 'App', 'Fn', 'Param', 'Nope') }),
    fc.record({ 'Fn::GetAtt': fc.oneof(fc.constantFrom('App.Arn', 'Fn.Arn', 'Nope.X'), fc.tuple(fc.string(), fc.string()), inner) }),
    fc.record({ 'Fn::Sub': fc.oneof(fc.constantFrom('arn:${AWS::Partition}:s3:::${Param}/*', '${App.Arn}', '${!x}${', 'x'), fc.tuple(fc.string(), fc.dictionary(fc.string(), inner)), inner) }),
    fc.record({ 'Fn::Join': fc.oneof(fc.tuple(fc.string(), fc.array(inner)), inner) }),
    fc.record({ 'Fn::If': fc.oneof(fc.tuple(fc.string(), inner, inner), inner) }),
    fc.record({ 'Fn::Select': fc.oneof(fc.tuple(fc.integer({ min: -2, max: 3 }), fc.array(inner)), inner) }),
    fc.record({ 'Fn::FindInMap': fc.array(inner, { maxLength: 4 }) }),
    fc.record({ 'Fn::ImportValue': inner }),
  );

const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, fc.jsonValue({ maxDepth: 2 }), intrinsic(tie('node')), fc.array(tie('node'), { maxLength: 3 }), fc.dictionary(fc.constantFrom('Effect', 'Action', 'Resource', 'Statement', 'Principal', 'Condition', 'AuthType', 'Variables', 'x'), tie('node'), { maxKeys: 4 })),
})).node;

const TYPES = ['AWS::IAM::Role', 'AWS::IAM::User', 'AWS::IAM::Group', 'AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy', 'AWS::IAM::RolePolicy', 'AWS::Lambda::Function', 'AWS::Serverless::Function', 'AWS::Lambda::Url', 'AWS::Lambda::Permission', 'AWS::Lambda::Alias', 'AWS::SQS::Queue'];
const PROPERTIES = ['AssumeRolePolicyDocument', 'Policies', 'ManagedPolicyArns', 'PermissionsBoundary', 'Groups', 'Roles', 'Users', 'RoleName', 'PolicyName', 'PolicyDocument', 'Environment', 'FunctionUrlConfig', 'AuthType', 'TargetFunctionArn', 'FunctionName', 'Principal', 'Action', 'SourceArn', 'SourceAccount', 'Qualifier', 'Name', 'Role'];

const resource = fc.record({ Type: fc.constantFrom(...TYPES), Properties: fc.dictionary(fc.constantFrom(...PROPERTIES), value, { maxKeys: 6 }) });
const resources = fc.dictionary(fc.constantFrom('App', 'Fn', 'Other', 'Policy', 'Url', 'Perm'), resource, { minKeys: 1, maxKeys: 5 });

describe('robustness', () => {
  const ctx = parseTemplate({ Resources: { App: { Type: 'AWS::IAM::Role' }, Fn: { Type: 'AWS::Lambda::Function' } }, Parameters: { Param: {} } }, { partition: 'aws', accountId: '{AccountId}', region: '{Region}' }).ctx;

  test('resolving and materialising any value never throws', () => {
    fc.assert(
      fc.property(value, (v) => {
        const text = resolveString(v, ctx);
        expect(typeof text === 'string' || typeof text === 'symbol').toBe(true);
        materialize(v, ctx);
      }),
      { numRuns: 500 },
    );
  });

  // Found by the property below (seed -396998410): String() threw on an argument without a prototype.
  test.each([
    ['AWS::Lambda::Permission', 'FunctionName', { 'Fn::GetAtt': Object.create(null) as object }],
    ['AWS::Lambda::Url', 'TargetFunctionArn', { 'Fn::GetAtt': Object.create(null) as object }],
    ['AWS::IAM::Role', 'ManagedPolicyArns', [{ Ref: Object.create(null) as object }]],
  ])('a %s whose %s holds an intrinsic of an object without a prototype is scanned', async (type, property, value) => {
    const scan = await scanTemplate({ Resources: { App: { Type: type, Properties: { [property]: value } } } }, { source: 'fuzz', fingerprintKey: TEST_KEY }, new FakeAwsManagedPolicies());
    expect(scan.results.map((r) => r.outcome).every((o) => ['finding', 'clean', 'unresolved', 'error'].includes(o))).toBe(true);
  });

  test('scanning any template gives results or an InvalidTemplateError, never a crash', async () => {
    await fc.assert(
      fc.asyncProperty(resources, async (res) => {
        try {
          const scan = await scanTemplate({ Resources: res, Parameters: { Param: { Type: 'String' } } }, { source: 'fuzz', fingerprintKey: TEST_KEY }, new FakeAwsManagedPolicies());
          for (const r of scan.results) expect(['finding', 'clean', 'unresolved', 'error']).toContain(r.outcome);
        } catch (error) {
          expect(error).toBeInstanceOf(InvalidTemplateError);
        }
      }),
      { numRuns: 200 },
    );
    // Generous: the whole analysis runs 200 times, and suites run in parallel on a loaded machine.
  }, 60_000);
});
