import { fromEnv } from '@aws-sdk/credential-provider-env';

/**
 * Stands in for `@aws-sdk/credential-provider-node` in the Lambda bundles only (serverless.yml
 * `custom.esbuild.alias`). In Lambda the execution role's credentials are always in the
 * environment, so the full chain (SSO, INI files, process, web identity, IMDS, with the STS and SSO
 * clients they pull in) is dead weight that every cold start parses. The CLI keeps the full chain.
 */
export function defaultProvider(init?: Parameters<typeof fromEnv>[0]): ReturnType<typeof fromEnv> {
  return fromEnv(init);
}
