import { IAMClient } from '@aws-sdk/client-iam';
import {
  AddPermissionCommand,
  DeleteFunctionConcurrencyCommand,
  GetFunctionConcurrencyCommand,
  GetFunctionUrlConfigCommand,
  GetPolicyCommand,
  LambdaClient,
  PutFunctionConcurrencyCommand,
  RemovePermissionCommand,
  ResourceNotFoundException,
  TooManyRequestsException,
  UpdateFunctionUrlConfigCommand,
} from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { AccessDeniedError, ResourceGoneError, ThrottledError } from '../../../domain/errors';
import { AwsStateVerifier, AwsStepRunner, InvalidStepError } from '../../../infra/aws/remediation-writer';

/** Moto has no function URL configs (DESIGN.md §8), so the Lambda side runs against a mocked client. */
const lambdaMock = mockClient(LambdaClient);
const FN = 'arn:aws:lambda:eu-west-1:123456789012:function:orders';
const regions: string[] = [];
const clients = {
  iam: new IAMClient({ region: 'us-east-1' }),
  lambda: (region: string): LambdaClient => {
    regions.push(region);
    return new LambdaClient({ region });
  },
};
const runner = new AwsStepRunner(clients, { defaultRegion: 'us-east-1' });
const verifier = new AwsStateVerifier(clients, { defaultRegion: 'us-east-1' });

beforeEach(() => {
  lambdaMock.reset();
  regions.length = 0;
});

const notFound = (): ResourceNotFoundException => new ResourceNotFoundException({ message: 'Function not found', $metadata: { httpStatusCode: 404 } });

describe('AwsStepRunner on Lambda (mocked)', () => {
  it('sets a function URL to AWS_IAM in the function region', async () => {
    lambdaMock.on(UpdateFunctionUrlConfigCommand).resolves({});
    await runner.run({ action: 'lambda:UpdateFunctionUrlConfig', params: { FunctionName: FN, AuthType: 'AWS_IAM' } });
    expect(lambdaMock.commandCalls(UpdateFunctionUrlConfigCommand)[0]?.args[0].input).toEqual({ FunctionName: FN, AuthType: 'AWS_IAM' });
    expect(regions).toEqual(['eu-west-1']);
  });

  it('restores a saved URL config (auth type, CORS, invoke mode, qualifier)', async () => {
    lambdaMock.on(UpdateFunctionUrlConfigCommand).resolves({});
    const params = { FunctionName: FN, Qualifier: 'live', AuthType: 'NONE', Cors: { AllowOrigins: ['https://example.com'], MaxAge: 60 }, InvokeMode: 'BUFFERED' };
    await runner.run({ action: 'lambda:UpdateFunctionUrlConfig', params });
    expect(lambdaMock.commandCalls(UpdateFunctionUrlConfigCommand)[0]?.args[0].input).toEqual(params);
  });

  it('removes a statement with its revision id and re-adds a saved one', async () => {
    lambdaMock.on(RemovePermissionCommand).resolves({}).on(AddPermissionCommand).resolves({ Statement: '{}' });
    await runner.run({ action: 'lambda:RemovePermission', params: { FunctionName: FN, StatementId: 'public', RevisionId: 'r-1' } });
    const add = { FunctionName: FN, StatementId: 'public', Action: 'lambda:InvokeFunctionUrl', Principal: '*', FunctionUrlAuthType: 'NONE' };
    await runner.run({ action: 'lambda:AddPermission', params: add });
    expect(lambdaMock.commandCalls(RemovePermissionCommand)[0]?.args[0].input).toEqual({ FunctionName: FN, StatementId: 'public', RevisionId: 'r-1' });
    expect(lambdaMock.commandCalls(AddPermissionCommand)[0]?.args[0].input).toEqual(add);
  });

  it('sets and removes reserved concurrency (the secrets kill switch)', async () => {
    lambdaMock.on(PutFunctionConcurrencyCommand).resolves({ ReservedConcurrentExecutions: 0 }).on(DeleteFunctionConcurrencyCommand).resolves({});
    await runner.run({ action: 'lambda:PutFunctionConcurrency', params: { FunctionName: FN, ReservedConcurrentExecutions: 0 } });
    await runner.run({ action: 'lambda:DeleteFunctionConcurrency', params: { FunctionName: FN } });
    expect(lambdaMock.commandCalls(PutFunctionConcurrencyCommand)[0]?.args[0].input).toEqual({ FunctionName: FN, ReservedConcurrentExecutions: 0 });
    expect(lambdaMock.commandCalls(DeleteFunctionConcurrencyCommand)).toHaveLength(1);
  });

  it('uses the default region for a bare function name', async () => {
    lambdaMock.on(DeleteFunctionConcurrencyCommand).resolves({});
    await runner.run({ action: 'lambda:DeleteFunctionConcurrency', params: { FunctionName: 'orders' } });
    expect(regions).toEqual(['us-east-1']);
    await expect(new AwsStepRunner(clients).run({ action: 'lambda:DeleteFunctionConcurrency', params: { FunctionName: 'orders' } })).rejects.toThrow(InvalidStepError);
  });

  it('translates Lambda errors', async () => {
    lambdaMock.on(RemovePermissionCommand).rejects(notFound());
    await expect(runner.run({ action: 'lambda:RemovePermission', params: { FunctionName: FN, StatementId: 's' } })).rejects.toBeInstanceOf(ResourceGoneError);
    lambdaMock.on(PutFunctionConcurrencyCommand).rejects(new TooManyRequestsException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 429 } }));
    const error = await runner.run({ action: 'lambda:PutFunctionConcurrency', params: { FunctionName: FN, ReservedConcurrentExecutions: 0 } }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ThrottledError);
    expect((error as ThrottledError).retryable).toBe(true);
    lambdaMock.on(UpdateFunctionUrlConfigCommand).rejects(Object.assign(new Error('User is not authorized'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 403 } }));
    await expect(runner.run({ action: 'lambda:UpdateFunctionUrlConfig', params: { FunctionName: FN, AuthType: 'AWS_IAM' } })).rejects.toBeInstanceOf(AccessDeniedError);
  });

  it('validates Lambda params', async () => {
    await expect(runner.run({ action: 'lambda:UpdateFunctionUrlConfig', params: { FunctionName: FN, AuthType: 'OPEN' } })).rejects.toThrow(/AuthType/);
    await expect(runner.run({ action: 'lambda:PutFunctionConcurrency', params: { FunctionName: FN, ReservedConcurrentExecutions: -1 } })).rejects.toThrow(InvalidStepError);
    expect(lambdaMock.calls()).toHaveLength(0);
  });
});

describe('AwsStateVerifier on Lambda (mocked)', () => {
  it('checks the URL auth type', async () => {
    lambdaMock.on(GetFunctionUrlConfigCommand).resolves({ AuthType: 'AWS_IAM', FunctionUrl: 'https://x.lambda-url.eu-west-1.on.aws/', FunctionArn: FN });
    expect(await verifier.verify({ action: 'lambda:UpdateFunctionUrlConfig', params: { FunctionName: FN, AuthType: 'AWS_IAM' } })).toEqual({ state: 'holds' });
    expect(await verifier.verify({ action: 'lambda:UpdateFunctionUrlConfig', params: { FunctionName: FN, AuthType: 'NONE' } })).toMatchObject({
      state: 'differs',
      detail: 'URL config differs in AuthType',
    });
  });

  it('compares CORS regardless of key order', async () => {
    lambdaMock.on(GetFunctionUrlConfigCommand).resolves({ AuthType: 'NONE', Cors: { MaxAge: 60, AllowOrigins: ['*'] } });
    expect(await verifier.verify({ action: 'lambda:UpdateFunctionUrlConfig', params: { FunctionName: FN, Cors: { AllowOrigins: ['*'], MaxAge: 60 } } })).toEqual({ state: 'holds' });
  });

  it('sees whether a statement is present', async () => {
    const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'keep', Effect: 'Allow' }] });
    lambdaMock.on(GetPolicyCommand).resolves({ Policy: policy, RevisionId: 'r-2' });
    expect(await verifier.verify({ action: 'lambda:RemovePermission', params: { FunctionName: FN, StatementId: 'public' } })).toEqual({ state: 'holds' });
    expect(await verifier.verify({ action: 'lambda:AddPermission', params: { FunctionName: FN, StatementId: 'keep', Action: 'lambda:InvokeFunction', Principal: 's3.amazonaws.com' } })).toEqual({ state: 'holds' });
    lambdaMock.on(GetPolicyCommand).rejects(notFound());
    expect(await verifier.verify({ action: 'lambda:RemovePermission', params: { FunctionName: FN, StatementId: 'public' } })).toEqual({ state: 'holds' });
  });

  it('reads reserved concurrency', async () => {
    lambdaMock.on(GetFunctionConcurrencyCommand).resolves({ ReservedConcurrentExecutions: 0 });
    expect(await verifier.verify({ action: 'lambda:PutFunctionConcurrency', params: { FunctionName: FN, ReservedConcurrentExecutions: 0 } })).toEqual({ state: 'holds' });
    expect(await verifier.verify({ action: 'lambda:DeleteFunctionConcurrency', params: { FunctionName: FN } })).toMatchObject({ state: 'differs' });
    lambdaMock.on(GetFunctionConcurrencyCommand).resolves({});
    expect(await verifier.verify({ action: 'lambda:DeleteFunctionConcurrency', params: { FunctionName: FN } })).toEqual({ state: 'holds' });
  });

  it('translates read failures', async () => {
    lambdaMock.on(GetFunctionConcurrencyCommand).rejects(new TooManyRequestsException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 429 } }));
    await expect(verifier.verify({ action: 'lambda:DeleteFunctionConcurrency', params: { FunctionName: FN } })).rejects.toBeInstanceOf(ThrottledError);
  });
});
