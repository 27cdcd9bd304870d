import { ListRolesCommand } from '@aws-sdk/client-iam';
import { ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { baseClientConfig, createAwsClients } from '../../infra/aws/clients';
import { motoEndpoint } from './moto';

/** The resolved retry mode: the SDK keeps it as given, a string or a provider. */
async function retryMode(config: { retryMode: string | (() => Promise<string>) }): Promise<string> {
  return typeof config.retryMode === 'function' ? config.retryMode() : config.retryMode;
}

describe('createAwsClients', () => {
  it('builds one client per region and reuses it', async () => {
    const clients = createAwsClients();
    const west = clients.lambda('us-west-2');
    expect(clients.lambda('us-west-2')).toBe(west);
    expect(clients.lambda('eu-central-1')).not.toBe(west);
    expect(clients.iam()).toBe(clients.iam());
    await expect(west.config.region()).resolves.toBe('us-west-2');
    await expect(clients.lambda('eu-central-1').config.region()).resolves.toBe('eu-central-1');
  });

  it('takes the region from AWS_REGION when none is given', async () => {
    await expect(createAwsClients().sns().config.region()).resolves.toBe(process.env['AWS_REGION']);
    await expect(createAwsClients({ region: 'ap-southeast-2' }).ssm().config.region()).resolves.toBe('ap-southeast-2');
  });

  it('retries 3 times in standard mode unless told otherwise', async () => {
    const client = createAwsClients().lambda('us-east-1');
    await expect(client.config.maxAttempts()).resolves.toBe(3);
    await expect(retryMode(client.config)).resolves.toBe('standard');
    const adaptive = createAwsClients({ maxAttempts: 5, retryMode: 'adaptive' }).iam();
    await expect(adaptive.config.maxAttempts()).resolves.toBe(5);
    await expect(retryMode(adaptive.config)).resolves.toBe('adaptive');
  });

  it('never passes an endpoint itself: AWS_ENDPOINT_URL is honoured by the SDK', async () => {
    expect(baseClientConfig({})).toEqual({ maxAttempts: 3, retryMode: 'standard' });
    expect(process.env['AWS_ENDPOINT_URL']).toBe(motoEndpoint());
    const clients = createAwsClients();
    // Both reach moto (a real account would reject the "testing" credentials).
    await expect(clients.iam().send(new ListRolesCommand({}))).resolves.toMatchObject({ $metadata: { httpStatusCode: 200 } });
    await expect(clients.lambda('us-east-1').send(new ListFunctionsCommand({}))).resolves.toMatchObject({
      $metadata: { httpStatusCode: 200 },
    });
  });
});
