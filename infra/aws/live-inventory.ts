import { GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';
import { paginateListGroups, paginateListRoles, paginateListUsers, type IAMClient } from '@aws-sdk/client-iam';
import { paginateListFunctions } from '@aws-sdk/client-lambda';
import type { AccountInventory, FunctionConfigurationState, PrincipalNames } from '../../domain/ports';
import type { LambdaClientForRegion } from './lambda-gateway';
import { toFunctionState } from './lambda-gateway';
import { translateSdkError } from './sdk-errors';

/**
 * The IAM actions a live inventory calls (the sweep's role and the CLI's `audit --live`).
 * `sts:GetCallerIdentity` is not listed: it needs no permission and cannot be denied.
 */
export const liveInventoryActions = ['iam:ListRoles', 'iam:ListUsers', 'iam:ListGroups', 'lambda:ListFunctions'] as const;

/**
 * What a live account holds, for a whole-account audit: every principal's name (the detectors
 * re-read each one) and every function's `$LATEST` per region. Lists are paginated to the end.
 */
export class LiveInventory implements AccountInventory {
  constructor(
    private readonly clients: { readonly sts: STSClient; readonly iam: IAMClient; readonly lambda: LambdaClientForRegion },
    private readonly regions: readonly string[],
  ) {}

  async readAccount(): Promise<{ readonly accountId: string; readonly partition: string }> {
    try {
      const identity = await this.clients.sts.send(new GetCallerIdentityCommand({}));
      return { accountId: identity.Account ?? '', partition: /^arn:(aws(?:-cn|-us-gov)?):/.exec(identity.Arn ?? '')?.[1] ?? 'aws' };
    } catch (error) {
      throw translateSdkError(error, 'sts:GetCallerIdentity');
    }
  }

  async listPrincipalNames(): Promise<PrincipalNames> {
    const client = { client: this.clients.iam };
    const [roles, users, groups] = await Promise.all([
      collect('iam:ListRoles', paginateListRoles(client, {}), (page) => (page.Roles ?? []).map((role) => role.RoleName ?? '')),
      collect('iam:ListUsers', paginateListUsers(client, {}), (page) => (page.Users ?? []).map((user) => user.UserName ?? '')),
      collect('iam:ListGroups', paginateListGroups(client, {}), (page) => (page.Groups ?? []).map((group) => group.GroupName ?? '')),
    ]);
    const names = (list: string[]): string[] => list.filter((name) => name !== '').sort();
    return { roles: names(roles), users: names(users), groups: names(groups) };
  }

  listLambdaRegions(): Promise<string[]> {
    return Promise.resolve([...this.regions].sort());
  }

  async listFunctions(region: string): Promise<readonly FunctionConfigurationState[]> {
    const pages = paginateListFunctions({ client: this.clients.lambda(region) }, {});
    const functions = await collect(`lambda:ListFunctions (${region})`, pages, (page) => (page.Functions ?? []).map((fn) => toFunctionState(region, fn)));
    return functions.sort((a, b) => a.functionName.localeCompare(b.functionName));
  }
}

async function collect<Page, Item>(action: string, pages: AsyncIterable<Page>, items: (page: Page) => Item[]): Promise<Item[]> {
  const all: Item[] = [];
  try {
    for await (const page of pages) all.push(...items(page));
  } catch (error) {
    throw translateSdkError(error, action);
  }
  return all;
}
