import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { gunzipSync, gzipSync } from 'node:zlib';
import { z } from 'zod';
import type { SweepState, SweepStateStore } from '../../domain/audit/sweep';
import { InvalidInputError } from '../../domain/errors';
import { severities } from '../../domain/findings';
import { translateSdkError } from '../aws/sdk-errors';

/** The DynamoDB actions the sweep state store calls. */
export const sweepStateActions = ['dynamodb:GetItem', 'dynamodb:PutItem'] as const;

const KEY = { pk: 'sweep#state', sk: 'state' } as const;

const stateSchema = z.object({
  at: z.string(),
  findings: z.array(z.object({ id: z.string(), ruleId: z.string(), severity: z.enum(severities), resourceArn: z.string(), title: z.string() })),
});

/**
 * The last sweep's findings, one item of the ledger table (`pk = sweep#state`). Gzipped JSON in a
 * binary attribute: ids, rule ids, ARNs and titles compress ~10×, so tens of thousands of findings
 * stay under DynamoDB's 400 KB item limit. Findings hold no secret values.
 */
export class DynamoDbSweepState implements SweepStateStore {
  private readonly documents: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.documents = DynamoDBDocumentClient.from(client);
  }

  async load(): Promise<SweepState | undefined> {
    let item: Record<string, unknown> | undefined;
    try {
      item = (await this.documents.send(new GetCommand({ TableName: this.tableName, Key: KEY, ConsistentRead: true }))).Item;
    } catch (error) {
      throw translateSdkError(error, 'dynamodb:GetItem');
    }
    if (item === undefined) return undefined;
    return decodeState(item.state);
  }

  async save(state: SweepState): Promise<void> {
    const body = gzipSync(Buffer.from(JSON.stringify(state), 'utf8'));
    try {
      await this.documents.send(new PutCommand({ TableName: this.tableName, Item: { ...KEY, type: 'sweep-state', at: state.at, state: body } }));
    } catch (error) {
      throw translateSdkError(error, 'dynamodb:PutItem');
    }
  }
}

/** A stored state that cannot be read is an error, never an empty baseline (that would report everything as new). */
function decodeState(raw: unknown): SweepState {
  try {
    if (!(raw instanceof Uint8Array)) throw new Error('not binary');
    return stateSchema.parse(JSON.parse(gunzipSync(raw).toString('utf8')));
  } catch (cause) {
    throw new InvalidInputError('the stored sweep state (pk sweep#state) is unreadable; delete the item to start a new baseline', { cause });
  }
}
