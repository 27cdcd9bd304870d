import type { AwsManagedPolicyLibrary, ManagedPolicyState } from '../../../domain/ports';

/** AWS-managed policies the template tests attach, by ARN path and name (partition-independent). */
const DOCUMENTS: Readonly<Record<string, unknown>> = {
  'AdministratorAccess': { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
  'ReadOnlyAccess': { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:Get*', 's3:List*'], Resource: '*' }] },
  'service-role/AWSLambdaBasicExecutionRole': {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'], Resource: '*' }],
  },
};

/** An in-memory AWS-managed policy library (a fake of the port, no mocks). Records what was asked. */
export class FakeAwsManagedPolicies implements AwsManagedPolicyLibrary {
  readonly asked: string[] = [];

  getAwsManagedPolicy(policyArn: string): Promise<ManagedPolicyState | undefined> {
    this.asked.push(policyArn);
    const match = /^arn:aws(?:-cn|-us-gov)?:iam::aws:policy\/(.+)$/.exec(policyArn);
    const key = match?.[1];
    const document = key === undefined ? undefined : DOCUMENTS[key];
    if (key === undefined || document === undefined) return Promise.resolve(undefined);
    const text = JSON.stringify(document);
    const name = key.split('/').pop() ?? key;
    return Promise.resolve({ arn: policyArn, name, path: key.includes('/') ? `/${key.slice(0, key.lastIndexOf('/') + 1)}` : '/', defaultVersionId: 'v1', document: text, versions: [{ versionId: 'v1', isDefault: true, document: text }] });
  }
}

/** A fingerprint key for tests (at least 16 bytes). */
export const TEST_KEY = 'template-test-fingerprint-key-0123456789';

/** `{ Resources: … }` from a resource map. */
export function template(resources: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { AWSTemplateFormatVersion: '2010-09-09', ...extra, Resources: resources };
}

/** A Lambda trust policy. */
export const LAMBDA_TRUST = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] };

/** A role resource with inline statements. */
export function role(statements: unknown[], properties: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    Type: 'AWS::IAM::Role',
    Properties: { AssumeRolePolicyDocument: LAMBDA_TRUST, Policies: statements.length === 0 ? [] : [{ PolicyName: 'app', PolicyDocument: { Version: '2012-10-17', Statement: statements } }], ...properties },
  };
}
