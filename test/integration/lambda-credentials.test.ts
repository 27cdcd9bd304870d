import { defaultProvider } from '../../infra/aws/lambda-credentials';

describe('the Lambda bundles’ credential provider (environment only)', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('reads the execution role credentials Lambda puts in the environment', async () => {
    process.env.AWS_ACCESS_KEY_ID = 'ASIAEXAMPLEEXAMPLE01';
    process.env.AWS_SECRET_ACCESS_KEY = 'example-secret-access-key-not-real-000000';
    process.env.AWS_SESSION_TOKEN = 'example-session-token';
    await expect(defaultProvider()()).resolves.toMatchObject({ accessKeyId: 'ASIAEXAMPLEEXAMPLE01', sessionToken: 'example-session-token' });
  });

  it('fails with the SDK’s credentials error when the environment holds none', async () => {
    delete process.env.AWS_ACCESS_KEY_ID;
    delete process.env.AWS_SECRET_ACCESS_KEY;
    await expect(defaultProvider()()).rejects.toThrow(/credentials/i);
  });
});
