import fc from 'fast-check';
import { materialize, parseTemplate, placeholder, resolveString, type ResolveContext } from '../../../domain/template';
import { template } from './fakes';

const pseudo = { partition: 'aws', accountId: '111122223333', region: 'eu-west-1' };

function ctxOf(resources: Record<string, unknown>, extra: Record<string, unknown> = {}): ResolveContext {
  return parseTemplate(template(resources, extra), pseudo).ctx;
}

const resources = {
  AppRole: { Type: 'AWS::IAM::Role', Properties: { RoleName: 'app-role', Path: '/service-role/' } },
  GeneratedRole: { Type: 'AWS::IAM::Role', Properties: {} },
  Queue: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'jobs' } },
  Topic: { Type: 'AWS::SNS::Topic', Properties: { TopicName: { 'Fn::Sub': 'alerts-${AWS::Region}' } } },
  Table: { Type: 'AWS::DynamoDB::Table', Properties: {} },
  Fn: { Type: 'AWS::Lambda::Function', Properties: { FunctionName: 'worker' } },
  Live: { Type: 'AWS::Lambda::Alias', Properties: { FunctionName: { Ref: 'Fn' }, Name: 'live' } },
  Custom: { Type: 'Custom::Thing', Properties: {} },
  Policy: { Type: 'AWS::IAM::ManagedPolicy', Properties: { ManagedPolicyName: 'boundary' } },
};

describe('resolveString', () => {
  const ctx = ctxOf(resources, { Parameters: { Env: { Type: 'String' } }, Mappings: { Regions: { 'eu-west-1': { Ami: 'ami-123' } } } });

  test.each<[string, unknown, string]>([
    ['pseudo partition', { Ref: 'AWS::Partition' }, 'aws'],
    ['pseudo account', { Ref: 'AWS::AccountId' }, '111122223333'],
    ['pseudo region', { Ref: 'AWS::Region' }, 'eu-west-1'],
    ['URL suffix', { Ref: 'AWS::URLSuffix' }, 'amazonaws.com'],
    ['stack name is a placeholder', { Ref: 'AWS::StackName' }, '{StackName}'],
    ['parameter is a placeholder', { Ref: 'Env' }, '{Env}'],
    ['role Ref gives its name', { Ref: 'AppRole' }, 'app-role'],
    ['role GetAtt Arn gives its ARN with path', { 'Fn::GetAtt': ['AppRole', 'Arn'] }, 'arn:aws:iam::111122223333:role/service-role/app-role'],
    ['generated name is a placeholder', { 'Fn::GetAtt': ['GeneratedRole', 'Arn'] }, 'arn:aws:iam::111122223333:role/{GeneratedRole}'],
    ['dotted GetAtt', { 'Fn::GetAtt': 'Queue.Arn' }, 'arn:aws:sqs:eu-west-1:111122223333:jobs'],
    ['SNS Ref gives its ARN', { Ref: 'Topic' }, 'arn:aws:sns:eu-west-1:111122223333:alerts-eu-west-1'],
    ['table ARN', { 'Fn::GetAtt': ['Table', 'Arn'] }, 'arn:aws:dynamodb:eu-west-1:111122223333:table/{Table}'],
    ['managed policy Ref gives its ARN', { Ref: 'Policy' }, 'arn:aws:iam::111122223333:policy/boundary'],
    ['alias Ref gives the qualified ARN', { Ref: 'Live' }, 'arn:aws:lambda:eu-west-1:111122223333:function:worker:live'],
    ['unknown attribute', { 'Fn::GetAtt': ['Queue', 'QueueUrl'] }, '{Queue.QueueUrl}'],
    ['unknown type', { 'Fn::GetAtt': ['Custom', 'Arn'] }, '{Custom.Arn}'],
    ['Sub with pseudo, attribute and escaped literal', { 'Fn::Sub': 'arn:${AWS::Partition}:x:::${AppRole.Arn}/${!Literal}' }, 'arn:aws:x:::arn:aws:iam::111122223333:role/service-role/app-role/${Literal}'],
    ['Sub with a variable map', { 'Fn::Sub': ['${Name}-${Env}', { Name: { Ref: 'Fn' } }] }, 'worker-{Env}'],
    ['Join', { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::', { Ref: 'Env' }, '/*']] }, 'arn:aws:s3:::{Env}/*'],
    ['Select of a literal list', { 'Fn::Select': ['1', ['a', { Ref: 'Fn' }]] }, 'worker'],
    ['Select of an intrinsic list', { 'Fn::Select': [0, { 'Fn::GetAZs': '' }] }, '{Select}'],
    ['If takes the first branch', { 'Fn::If': ['IsProd', 'a', 'b'] }, 'a'],
    ['If skips NoValue', { 'Fn::If': ['IsProd', { Ref: 'AWS::NoValue' }, 'b'] }, 'b'],
    ['FindInMap', { 'Fn::FindInMap': ['Regions', { Ref: 'AWS::Region' }, 'Ami'] }, 'ami-123'],
    ['FindInMap miss', { 'Fn::FindInMap': ['Regions', 'us-east-1', 'Ami'] }, '{FindInMap.Regions.us-east-1.Ami}'],
    ['ImportValue', { 'Fn::ImportValue': 'shared:RoleArn' }, '{ImportValue.shared_RoleArn}'],
    ['Base64 is opaque', { 'Fn::Base64': 'x' }, '{Base64}'],
  ])('%s', (_name, value, expected) => {
    expect(resolveString(value, ctx)).toBe(expected);
  });

  test('a self-referencing name stops instead of recursing forever', () => {
    const loop = ctxOf({ A: { Type: 'AWS::IAM::Role', Properties: { RoleName: { Ref: 'A' } } } });
    expect(typeof resolveString({ Ref: 'A' }, loop)).toBe('string');
  });
});

describe('placeholder', () => {
  test('never contains a wildcard, an ARN separator or a policy variable', () => {
    fc.assert(
      fc.property(fc.string(), (label) => {
        const text = placeholder(label);
        expect(text).not.toMatch(/[*?:$]/);
        expect(text.startsWith('{') && text.endsWith('}')).toBe(true);
      }),
    );
  });
});

describe('materialize', () => {
  const ctx = ctxOf(resources);

  test('expands Fn::If in lists into both branches and drops NoValue', () => {
    const doc = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 's3:GetObject', Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:s3:::b/*' } },
        { 'Fn::If': ['IsProd', { Effect: 'Allow', Action: 'sqs:*', Resource: '*' }, { Ref: 'AWS::NoValue' }] },
      ],
    };
    expect(materialize(doc, ctx)).toEqual({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' },
        { Effect: 'Allow', Action: 'sqs:*', Resource: '*' },
      ],
    });
  });

  test('keeps both list branches of an Fn::If that holds lists', () => {
    expect(materialize({ Action: { 'Fn::If': ['C', ['a:x'], ['b:y']] } }, ctx)).toEqual({ Action: ['a:x', 'b:y'] });
  });

  test('a key named __proto__ stays data', () => {
    const raw = JSON.parse('{"__proto__": {"Ref": "AWS::Region"}, "a": 1}') as unknown;
    const out = materialize(raw, ctx) as Record<string, unknown>;
    expect(Object.keys(out)).toEqual(['__proto__', 'a']);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
  });

  test('removes properties set to AWS::NoValue', () => {
    expect(materialize({ Sid: { Ref: 'AWS::NoValue' }, Effect: 'Allow' }, ctx)).toEqual({ Effect: 'Allow' });
  });
});
