import { CreateRoleCommand } from '@aws-sdk/client-iam';
import {
  AddPermissionCommand,
  CreateAliasCommand,
  CreateFunctionCommand,
  GetFunctionConcurrencyCommand,
  GetFunctionConfigurationCommand,
  GetPolicyCommand,
  LambdaClient,
  ListAliasesCommand,
  ListFunctionUrlConfigsCommand,
  ListTagsCommand,
  ListVersionsByFunctionCommand,
  PublishVersionCommand,
  PutFunctionConcurrencyCommand,
  UpdateFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { AccessDeniedError, ServiceUnavailableError, ThrottledError } from '../../domain/errors';
import { createAwsClients } from '../../infra/aws/clients';
import { LambdaGateway, lambdaGatewayActions } from '../../infra/aws/lambda-gateway';
import { resetMoto } from './moto';

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const arn = (name: string, qualifier?: string): string =>
  `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}${qualifier === undefined ? '' : `:${qualifier}`}`;
/** The smallest valid zip (an empty archive): moto stores code but never runs it. */
const EMPTY_ZIP = Buffer.from([0x50, 0x4b, 0x05, 0x06, ...new Array<number>(18).fill(0)]);
/** A value shaped like a secret, to prove it never leaks into errors. */
const SECRET = 'sk_live_51Hh2ZxExampleExampleExample00';
const KMS_DENIED = 'Lambda was unable to decrypt the environment variables because KMS access was denied.';

async function seed(clients: ReturnType<typeof createAwsClients>): Promise<void> {
  const { Role: role } = await clients.iam().send(
    new CreateRoleCommand({
      RoleName: 'fn-role',
      AssumeRolePolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      }),
    }),
  );
  const lambda = clients.lambda(REGION);
  await lambda.send(
    new CreateFunctionCommand({
      FunctionName: 'orders',
      Runtime: 'nodejs22.x',
      Role: role?.Arn ?? '',
      Handler: 'index.handler',
      Code: { ZipFile: EMPTY_ZIP },
      Environment: { Variables: { TABLE: 'orders', STRIPE_KEY: SECRET } },
      Tags: { team: 'checkout' },
    }),
  );
  await lambda.send(new PublishVersionCommand({ FunctionName: 'orders' }));
  await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'orders', Environment: { Variables: { TABLE: 'orders-v2' } } }));
  await lambda.send(new PublishVersionCommand({ FunctionName: 'orders' }));
  await lambda.send(new CreateAliasCommand({ FunctionName: 'orders', Name: 'live', FunctionVersion: '2' }));
  await lambda.send(
    new AddPermissionCommand({ FunctionName: 'orders', StatementId: 'public', Action: 'lambda:InvokeFunction', Principal: '*' }),
  );
  await lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: 'orders', ReservedConcurrentExecutions: 5 }));
}

describe('LambdaGateway against moto', () => {
  const clients = createAwsClients();
  const gateway = new LambdaGateway((region) => clients.lambda(region));

  beforeAll(async () => {
    await resetMoto();
    await seed(clients);
  });

  it('reads $LATEST with its environment', async () => {
    const fn = await gateway.getFunction(REGION, 'orders');
    expect(fn).toMatchObject({
      functionArn: arn('orders'),
      functionName: 'orders',
      version: '$LATEST',
      region: REGION,
      environment: { variables: { TABLE: 'orders-v2' } },
      role: `arn:aws:iam::${ACCOUNT}:role/fn-role`,
    });
  });

  it('lists $LATEST and every published version, each with its own environment', async () => {
    const versions = await gateway.listVersions(REGION, 'orders');
    expect(versions.map((version) => version.version)).toEqual(['$LATEST', '1', '2']);
    expect(versions.find((version) => version.version === '1')?.environment?.variables).toEqual({ TABLE: 'orders', STRIPE_KEY: SECRET });
    expect(versions.every((version) => version.region === REGION)).toBe(true);
  });

  it('lists aliases', async () => {
    expect(await gateway.listAliases(REGION, 'orders')).toEqual([{ name: 'live', aliasArn: arn('orders', 'live'), functionVersion: '2' }]);
  });

  it('returns the resource policy raw', async () => {
    const policy = await gateway.getPolicy(REGION, 'orders');
    expect(JSON.parse(policy ?? 'null')).toMatchObject({
      Statement: [{ Sid: 'public', Effect: 'Allow', Action: 'lambda:InvokeFunction', Principal: '*', Resource: arn('orders') }],
    });
  });

  it('reads reserved concurrency and tags', async () => {
    expect(await gateway.getReservedConcurrency(REGION, 'orders')).toBe(5);
    expect(await gateway.getTags(REGION, arn('orders'))).toEqual({ team: 'checkout' });
  });

  it('uses the client of the region it is asked about', async () => {
    await expect(gateway.getFunction('eu-west-1', 'orders')).resolves.toBeUndefined();
    expect(clients.lambda('eu-west-1')).not.toBe(clients.lambda(REGION));
  });

  it('answers "none" for a function that does not exist', async () => {
    await expect(gateway.getFunction(REGION, 'missing')).resolves.toBeUndefined();
    await expect(gateway.listVersions(REGION, 'missing')).resolves.toEqual([]);
    await expect(gateway.listAliases(REGION, 'missing')).resolves.toEqual([]);
    await expect(gateway.getPolicy(REGION, 'missing')).resolves.toBeUndefined();
    await expect(gateway.getReservedConcurrency(REGION, 'missing')).resolves.toBeUndefined();
  });
});

describe('LambdaGateway with a mocked client (what moto lacks)', () => {
  const client = new LambdaClient({ region: REGION });
  const mock = mockClient(client);
  const regions: string[] = [];
  const gateway = new LambdaGateway((region) => {
    regions.push(region);
    return client;
  });
  const error = (name: string, status: number): Error =>
    Object.assign(new Error(`${name}: value ${SECRET} rejected`), { name, $metadata: { httpStatusCode: status } });

  beforeEach(() => {
    mock.reset();
    regions.length = 0;
  });
  afterAll(() => mock.restore());

  it('lists URL configs across pages (moto has no ListFunctionUrlConfigs)', async () => {
    const url = (qualifier: string, authType: 'NONE' | 'AWS_IAM') => ({
      FunctionUrl: `https://${qualifier}.lambda-url.us-east-1.on.aws/`,
      FunctionArn: arn('orders', qualifier),
      AuthType: authType,
      CreationTime: '2025-01-01T00:00:00.000Z',
      LastModifiedTime: '2025-01-01T00:00:00.000Z',
      Cors: { AllowOrigins: ['*'] },
      InvokeMode: 'BUFFERED' as const,
    });
    mock.on(ListFunctionUrlConfigsCommand).resolves({ FunctionUrlConfigs: [url('live', 'NONE')], NextMarker: 'page-2' });
    mock
      .on(ListFunctionUrlConfigsCommand, { FunctionName: 'orders', Marker: 'page-2' })
      .resolves({ FunctionUrlConfigs: [url('beta', 'AWS_IAM')] });
    const expected = (qualifier: string, authType: string): object => ({
      functionUrl: `https://${qualifier}.lambda-url.us-east-1.on.aws/`,
      functionArn: arn('orders', qualifier),
      authType,
      cors: { AllowOrigins: ['*'] },
      invokeMode: 'BUFFERED',
    });
    expect(await gateway.listUrlConfigs('us-east-1', 'orders')).toEqual([expected('live', 'NONE'), expected('beta', 'AWS_IAM')]);
    expect(mock.commandCalls(ListFunctionUrlConfigsCommand)).toHaveLength(2);
  });

  it('passes Environment.Error on, so the scan is unknown rather than clean', async () => {
    mock.on(GetFunctionConfigurationCommand).resolves({
      FunctionName: 'orders',
      FunctionArn: arn('orders'),
      Version: '$LATEST',
      Environment: { Error: { ErrorCode: 'AccessDeniedException', Message: KMS_DENIED } },
    });
    const fn = await gateway.getFunction('us-east-1', 'orders');
    expect(fn?.environment).toEqual({ error: { errorCode: 'AccessDeniedException', message: KMS_DENIED } });
  });

  it('follows NextMarker for versions and aliases', async () => {
    const version = (v: string) => ({ FunctionName: 'orders', FunctionArn: arn('orders', v), Version: v });
    mock.on(ListVersionsByFunctionCommand).resolves({ Versions: [version('$LATEST'), version('1')], NextMarker: 'm' });
    mock.on(ListVersionsByFunctionCommand, { FunctionName: 'orders', Marker: 'm' }).resolves({ Versions: [version('2')] });
    mock.on(ListAliasesCommand).resolves({ Aliases: [{ Name: 'a', AliasArn: arn('orders', 'a'), FunctionVersion: '1' }], NextMarker: 'n' });
    mock
      .on(ListAliasesCommand, { FunctionName: 'orders', Marker: 'n' })
      .resolves({ Aliases: [{ Name: 'b', AliasArn: arn('orders', 'b'), FunctionVersion: '2' }] });
    expect((await gateway.listVersions('us-east-1', 'orders')).map((v) => v.version)).toEqual(['$LATEST', '1', '2']);
    expect((await gateway.listAliases('us-east-1', 'orders')).map((a) => a.name)).toEqual(['a', 'b']);
  });

  it('passes the qualifier to GetPolicy (moto ignores it)', async () => {
    mock.on(GetPolicyCommand, { FunctionName: 'orders', Qualifier: 'live' }).resolves({ Policy: '{"Statement":[]}', RevisionId: 'r' });
    expect(await gateway.getPolicy('us-east-1', 'orders', 'live')).toBe('{"Statement":[]}');
  });

  it('turns throttling into ThrottledError', async () => {
    mock.on(GetFunctionConfigurationCommand).rejects(error('TooManyRequestsException', 429));
    const failure = gateway.getFunction('eu-west-1', 'orders');
    await expect(failure).rejects.toBeInstanceOf(ThrottledError);
    await expect(failure).rejects.toThrow('lambda:GetFunctionConfiguration failed: TooManyRequestsException (HTTP 429)');
    expect(regions).toEqual(['eu-west-1']);
  });

  it('turns access denied into AccessDeniedError', async () => {
    mock.on(ListFunctionUrlConfigsCommand).rejects(error('AccessDeniedException', 403));
    await expect(gateway.listUrlConfigs('us-east-1', 'orders')).rejects.toBeInstanceOf(AccessDeniedError);
  });

  it('turns a Lambda ServiceException into ServiceUnavailableError', async () => {
    mock.on(ListTagsCommand).rejects(error('ServiceException', 500));
    await expect(gateway.getTags('us-east-1', arn('orders'))).rejects.toBeInstanceOf(ServiceUnavailableError);
  });

  it('never puts what the service said (which may echo a value) into the error', async () => {
    mock.on(GetFunctionConfigurationCommand).rejects(error('InvalidParameterValueException', 400));
    const failure = await gateway.getFunction('us-east-1', 'orders').catch((thrown: unknown) => thrown);
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).not.toContain(SECRET);
  });

  it('calls exactly the Lambda actions it declares in lambdaGatewayActions', async () => {
    mock.onAnyCommand().resolves({});
    mock.on(GetFunctionConcurrencyCommand).resolves({ ReservedConcurrentExecutions: 0 });
    await gateway.getFunction('us-east-1', 'orders');
    await gateway.listVersions('us-east-1', 'orders');
    await gateway.listAliases('us-east-1', 'orders');
    await gateway.getPolicy('us-east-1', 'orders');
    await gateway.listUrlConfigs('us-east-1', 'orders');
    expect(await gateway.getReservedConcurrency('us-east-1', 'orders')).toBe(0);
    await gateway.getTags('us-east-1', arn('orders'));
    const called = new Set(mock.calls().map((call) => `lambda:${call.args[0].constructor.name.replace(/Command$/, '')}`));
    expect([...called].sort()).toEqual([...lambdaGatewayActions].sort());
  });
});
