import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { InvalidInputError, UnexpectedServiceError } from '../../domain/errors';
import type { Ledger } from '../../domain/ports';
import {
  AlreadyRecordedError,
  LedgerRecordNotFoundError,
  type LastKnownGood,
  type LedgerRecord,
  type RecordStatus,
  type StatusDetail,
  type StepStatus,
} from '../../domain/remediation/ledger-record';
import { translateSdkError } from '../aws/sdk-errors';
import { decodeLastKnownGood, decodeLedgerRecord, parseStoredJson } from './record-codec';

/**
 * The ledger in DynamoDB (table `warden-<stage>-ledger`: string keys `pk`/`sk`, TTL attribute
 * `expiresAt`). Items:
 *
 * | item | pk | sk | expires |
 * |---|---|---|---|
 * | remediation record | `record#<undoId>` | `record` | `expiresAt` (400 days) |
 * | action index (circuit breaker) | `actions#<resourceArn>` | `<createdAt ISO>#<undoId>` | same as the record |
 * | last-known-good document | `lkg#<key>` | `lkg` | never |
 * | resource lease | `lease#<resourceArn>` | `lease` | `expiresAt` (an hour after the lease ends) |
 * | note of a sent "notified" alert | `alert#<key>` | `alert` | `expiresAt` (given) |
 *
 * `begin` writes the record and its index item in ONE transaction whose record put is conditional
 * on `attribute_not_exists(pk)`; the undo id derives from the event id and finding id, so a second
 * delivery fails the condition and gets the existing record. Transactions need only the item
 * actions (`dynamodb:PutItem`), no extra permission. `plan` and `priorState` are stored as JSON
 * text (exact round trip); step statuses as a list, updated in place.
 *
 * A lease item (`type: 'lease'`, `owner`, `until` in epoch ms) is taken with a PutItem conditional
 * on "absent, expired or mine" and released with an UpdateItem conditional on "mine" that ends it
 * (no DeleteItem: the remediate role does not need it). Expiry is judged on `until`, never on the
 * TTL, which only tidies up (DynamoDB deletes expired items up to days late).
 */

/** Every DynamoDB action this adapter calls (the remediate role's `Ledger` statement). */
export const dynamoLedgerActions = ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query'] as const;

const recordKey = (undoId: string): { pk: string; sk: string } => ({ pk: `record#${undoId}`, sk: 'record' });
const lkgKey = (key: string): { pk: string; sk: string } => ({ pk: `lkg#${key}`, sk: 'lkg' });
const actionsPk = (resourceArn: string): string => `actions#${resourceArn}`;
const alertKey = (key: string): { pk: string; sk: string } => ({ pk: `alert#${key}`, sk: 'alert' });
const leaseKey = (resourceArn: string): { pk: string; sk: string } => ({ pk: `lease#${resourceArn}`, sk: 'lease' });
/** Lease items linger this long after they end (TTL), then DynamoDB removes them. */
const LEASE_LINGER_SECONDS = 3600;

function errorName(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && typeof (error as { name?: unknown }).name === 'string' ? (error as { name: string }).name : undefined;
}

/** True when a conditional write (or a transaction because of one) was rejected by its condition. */
function conditionFailed(error: unknown): boolean {
  const name = errorName(error);
  if (name === 'ConditionalCheckFailedException') return true;
  if (name !== 'TransactionCanceledException') return false;
  const reasons = (error as { CancellationReasons?: readonly { Code?: string }[] }).CancellationReasons;
  return reasons === undefined || reasons.some((reason) => reason.Code === 'ConditionalCheckFailed');
}

function recordItem(record: LedgerRecord): Record<string, unknown> {
  const { plan, priorState, ...rest } = record;
  return { ...recordKey(record.undoId), type: 'record', ...rest, plan: JSON.stringify(plan), priorState: JSON.stringify(priorState) };
}

function recordOf(item: Record<string, unknown>, where: string): LedgerRecord {
  const { pk: _pk, sk: _sk, type: _type, plan, priorState, ...rest } = item;
  return decodeLedgerRecord({ ...rest, plan: parseStoredJson(plan, `${where} plan`), priorState: parseStoredJson(priorState, `${where} priorState`) }, where);
}

/** A {@link Ledger} in a DynamoDB table. */
export class DynamoDbLedger implements Ledger {
  private readonly documents: DynamoDBDocumentClient;
  private readonly now: () => Date;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
    options: { readonly now?: () => Date } = {},
  ) {
    this.documents = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
    this.now = options.now ?? (() => new Date());
  }

  async begin(record: LedgerRecord): Promise<void> {
    const index = { pk: actionsPk(record.resourceArn), sk: `${record.createdAt}#${record.undoId}`, undoId: record.undoId, expiresAt: record.expiresAt };
    try {
      await this.documents.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: this.tableName, Item: recordItem(record), ConditionExpression: 'attribute_not_exists(pk)' } },
            { Put: { TableName: this.tableName, Item: index } },
          ],
        }),
      );
    } catch (error) {
      if (!conditionFailed(error)) throw translateSdkError(error, 'dynamodb:PutItem');
      const existing = await this.get(record.undoId);
      if (existing === undefined) throw new UnexpectedServiceError(`ledger record ${record.undoId} rejected as existing but not found`, { cause: error });
      throw new AlreadyRecordedError(existing);
    }
  }

  async markStep(undoId: string, stepIndex: number, status: StepStatus, detail: StatusDetail = {}): Promise<void> {
    if (!Number.isInteger(stepIndex) || stepIndex < 0) throw new InvalidInputError(`record ${undoId} has no step ${stepIndex}`);
    const at = detail.at ?? this.now().toISOString();
    const step = { status, at, ...(detail.reason === undefined ? {} : { reason: detail.reason }) };
    await this.updateRecord(undoId, stepIndex, {
      // SET of list[i] past the end would append, hence the size condition.
      UpdateExpression: `SET #steps[${stepIndex}] = :step, #updatedAt = :at`,
      ConditionExpression: 'attribute_exists(pk) AND size(#steps) > :index',
      ExpressionAttributeNames: { '#steps': 'steps', '#updatedAt': 'updatedAt' },
      ExpressionAttributeValues: { ':step': step, ':at': at, ':index': stepIndex },
    });
  }

  async complete(undoId: string, status: RecordStatus, detail: StatusDetail = {}): Promise<void> {
    const at = detail.at ?? this.now().toISOString();
    const reason = detail.reason;
    await this.updateRecord(undoId, undefined, {
      UpdateExpression: reason === undefined ? 'SET #status = :status, #updatedAt = :at REMOVE #reason' : 'SET #status = :status, #updatedAt = :at, #reason = :reason',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: { '#status': 'status', '#updatedAt': 'updatedAt', '#reason': 'reason' },
      ExpressionAttributeValues: { ':status': status, ':at': at, ...(reason === undefined ? {} : { ':reason': reason }) },
    });
  }

  async get(undoId: string): Promise<LedgerRecord | undefined> {
    const item = await this.getItem(recordKey(undoId));
    return item === undefined ? undefined : recordOf(item, `ledger record ${undoId}`);
  }

  async lastKnownGood(key: string): Promise<LastKnownGood | undefined> {
    const item = await this.getItem(lkgKey(key));
    if (item === undefined) return undefined;
    const { pk: _pk, sk: _sk, type: _type, ...entry } = item;
    return decodeLastKnownGood(entry, `last-known-good ${key}`);
  }

  async putLastKnownGood(entry: LastKnownGood): Promise<void> {
    try {
      await this.documents.send(new PutCommand({ TableName: this.tableName, Item: { ...lkgKey(entry.key), type: 'last-known-good', ...entry } }));
    } catch (error) {
      throw translateSdkError(error, 'dynamodb:PutItem');
    }
  }

  async countRecentActions(resourceArn: string, since: Date): Promise<number> {
    let count = 0;
    let start: Record<string, unknown> | undefined;
    do {
      try {
        const page = await this.documents.send(
          new QueryCommand({
            TableName: this.tableName,
            KeyConditionExpression: 'pk = :pk AND sk >= :since',
            ExpressionAttributeValues: { ':pk': actionsPk(resourceArn), ':since': since.toISOString() },
            Select: 'COUNT',
            ConsistentRead: true,
            ...(start === undefined ? {} : { ExclusiveStartKey: start }),
          }),
        );
        count += page.Count ?? 0;
        start = page.LastEvaluatedKey;
      } catch (error) {
        throw translateSdkError(error, 'dynamodb:Query');
      }
    } while (start !== undefined);
    return count;
  }

  async acquireLease(resourceArn: string, owner: string, until: Date, now: Date): Promise<boolean> {
    const expiresAt = Math.ceil(until.getTime() / 1000) + LEASE_LINGER_SECONDS;
    try {
      await this.documents.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...leaseKey(resourceArn), type: 'lease', resourceArn, owner, until: until.getTime(), expiresAt },
          ConditionExpression: 'attribute_not_exists(pk) OR #until <= :now OR #owner = :owner',
          ExpressionAttributeNames: { '#until': 'until', '#owner': 'owner' },
          ExpressionAttributeValues: { ':now': now.getTime(), ':owner': owner },
        }),
      );
      return true;
    } catch (error) {
      if (conditionFailed(error)) return false;
      throw translateSdkError(error, 'dynamodb:PutItem');
    }
  }

  async releaseLease(resourceArn: string, owner: string): Promise<void> {
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: leaseKey(resourceArn),
          // Ended, not deleted: `until` 0 is always expired; the owner goes so a late release of it is a no-op.
          UpdateExpression: 'SET #until = :ended REMOVE #owner',
          ConditionExpression: '#owner = :owner',
          ExpressionAttributeNames: { '#until': 'until', '#owner': 'owner' },
          ExpressionAttributeValues: { ':ended': 0, ':owner': owner },
        }),
      );
    } catch (error) {
      // Not ours any more (it expired and another run took it): nothing to give back.
      if (conditionFailed(error)) return;
      throw translateSdkError(error, 'dynamodb:UpdateItem');
    }
  }

  async alertSent(key: string): Promise<boolean> {
    const item = await this.getItem(alertKey(key));
    // The TTL deletes late: an expired note is judged by its time, like a lease.
    return item !== undefined && Number(item['expiresAt']) > this.now().getTime() / 1000;
  }

  async noteAlertSent(key: string, expiresAt: number): Promise<void> {
    try {
      await this.documents.send(new PutCommand({ TableName: this.tableName, Item: { ...alertKey(key), type: 'alert', key, at: this.now().toISOString(), expiresAt } }));
    } catch (error) {
      throw translateSdkError(error, 'dynamodb:PutItem');
    }
  }

  private async getItem(key: { pk: string; sk: string }): Promise<Record<string, unknown> | undefined> {
    try {
      const { Item } = await this.documents.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }));
      return Item;
    } catch (error) {
      throw translateSdkError(error, 'dynamodb:GetItem');
    }
  }

  private async updateRecord(
    undoId: string,
    stepIndex: number | undefined,
    update: Pick<ConstructorParameters<typeof UpdateCommand>[0], 'UpdateExpression' | 'ConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'>,
  ): Promise<void> {
    try {
      await this.documents.send(new UpdateCommand({ TableName: this.tableName, Key: recordKey(undoId), ...update }));
    } catch (error) {
      if (!conditionFailed(error)) throw translateSdkError(error, 'dynamodb:UpdateItem');
      if (stepIndex !== undefined && (await this.get(undoId)) !== undefined) throw new InvalidInputError(`record ${undoId} has no step ${stepIndex}`);
      throw new LedgerRecordNotFoundError(undoId);
    }
  }
}
