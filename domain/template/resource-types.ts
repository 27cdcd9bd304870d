/**
 * What `Ref` and `Fn::GetAtt` return for the resource types policies usually point at, so that a
 * reference becomes an ARN of the right shape (`arn:aws:iam::{AccountId}:role/app-role`) that the
 * policy engine can compare with resource types, and a role can recognise its own ARN. Types not
 * listed here give opaque placeholders, which the engine treats as one specific resource.
 */

/** The values an ARN is built from. */
export interface ArnParts {
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
  /** The resource's physical name (a literal, or a `{placeholder}` CloudFormation generates). */
  readonly name: string;
  /** IAM path (`/`, `/service-role/`), for IAM resources. */
  readonly path: string;
}

/** What a reference to a resource of one type yields. */
export interface ResourceTypeInfo {
  /** The resource's ARN. */
  readonly arn: (parts: ArnParts) => string;
  /** Properties that hold the physical name, first match wins. */
  readonly nameProperties: readonly string[];
  /** `Ref` gives the ARN, the name, or something else (an id, a URL). */
  readonly ref: 'arn' | 'name' | 'other';
  /** `Fn::GetAtt` attributes that give the ARN or the name. */
  readonly arnAttributes: readonly string[];
  readonly nameAttributes?: readonly string[];
}

const regional = (service: string, resource: (name: string) => string) => (p: ArnParts) => `arn:${p.partition}:${service}:${p.region}:${p.accountId}:${resource(p.name)}`;
const iam = (kind: string) => (p: ArnParts) => `arn:${p.partition}:iam::${p.accountId}:${kind}${p.path}${p.name}`;

const lambdaFunction: ResourceTypeInfo = { arn: regional('lambda', (n) => `function:${n}`), nameProperties: ['FunctionName'], ref: 'name', arnAttributes: ['Arn'] };

/** Resource types by CloudFormation type name. */
export const RESOURCE_TYPES: ReadonlyMap<string, ResourceTypeInfo> = new Map<string, ResourceTypeInfo>([
  ['AWS::IAM::Role', { arn: iam('role'), nameProperties: ['RoleName'], ref: 'name', arnAttributes: ['Arn'] }],
  ['AWS::IAM::User', { arn: iam('user'), nameProperties: ['UserName'], ref: 'name', arnAttributes: ['Arn'] }],
  ['AWS::IAM::Group', { arn: iam('group'), nameProperties: ['GroupName'], ref: 'name', arnAttributes: ['Arn'] }],
  ['AWS::IAM::ManagedPolicy', { arn: iam('policy'), nameProperties: ['ManagedPolicyName'], ref: 'arn', arnAttributes: ['PolicyArn'] }],
  ['AWS::IAM::InstanceProfile', { arn: iam('instance-profile'), nameProperties: ['InstanceProfileName'], ref: 'name', arnAttributes: ['Arn'] }],
  ['AWS::Lambda::Function', lambdaFunction],
  ['AWS::Serverless::Function', lambdaFunction],
  ['AWS::S3::Bucket', { arn: (p) => `arn:${p.partition}:s3:::${p.name}`, nameProperties: ['BucketName'], ref: 'name', arnAttributes: ['Arn'] }],
  ['AWS::SQS::Queue', { arn: regional('sqs', (n) => n), nameProperties: ['QueueName'], ref: 'other', arnAttributes: ['Arn'], nameAttributes: ['QueueName'] }],
  ['AWS::SNS::Topic', { arn: regional('sns', (n) => n), nameProperties: ['TopicName'], ref: 'arn', arnAttributes: ['TopicArn'], nameAttributes: ['TopicName'] }],
  ['AWS::DynamoDB::Table', { arn: regional('dynamodb', (n) => `table/${n}`), nameProperties: ['TableName'], ref: 'name', arnAttributes: ['Arn'] }],
  ['AWS::DynamoDB::GlobalTable', { arn: regional('dynamodb', (n) => `table/${n}`), nameProperties: ['TableName'], ref: 'name', arnAttributes: ['Arn'] }],
  ['AWS::KMS::Key', { arn: regional('kms', (n) => `key/${n}`), nameProperties: [], ref: 'other', arnAttributes: ['Arn'] }],
  ['AWS::SecretsManager::Secret', { arn: regional('secretsmanager', (n) => `secret:${n}`), nameProperties: ['Name'], ref: 'arn', arnAttributes: [] }],
  ['AWS::Events::EventBus', { arn: regional('events', (n) => `event-bus/${n}`), nameProperties: ['Name'], ref: 'name', arnAttributes: ['Arn'], nameAttributes: ['Name'] }],
  ['AWS::Events::Rule', { arn: regional('events', (n) => `rule/${n}`), nameProperties: ['Name'], ref: 'name', arnAttributes: ['Arn'] }],
  ['AWS::Logs::LogGroup', { arn: regional('logs', (n) => `log-group:${n}:*`), nameProperties: ['LogGroupName'], ref: 'name', arnAttributes: ['Arn'] }],
  ['AWS::StepFunctions::StateMachine', { arn: regional('states', (n) => `stateMachine:${n}`), nameProperties: ['StateMachineName'], ref: 'arn', arnAttributes: ['Arn'], nameAttributes: ['Name'] }],
  ['AWS::Kinesis::Stream', { arn: regional('kinesis', (n) => `stream/${n}`), nameProperties: ['Name'], ref: 'name', arnAttributes: ['Arn'] }],
  ['AWS::ECR::Repository', { arn: regional('ecr', (n) => `repository/${n}`), nameProperties: ['RepositoryName'], ref: 'name', arnAttributes: ['Arn'] }],
  ['AWS::SSM::Parameter', { arn: regional('ssm', (n) => `parameter${n.startsWith('/') ? '' : '/'}${n}`), nameProperties: ['Name'], ref: 'name', arnAttributes: [] }],
]);
