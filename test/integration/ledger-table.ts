import { CreateTableCommand, DynamoDBClient, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** Creates the ledger table as serverless.yml declares it: string keys pk/sk, TTL on expiresAt. */
export async function createLedgerTable(dynamodb: DynamoDBClient, tableName: string): Promise<void> {
  await dynamodb.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
    }),
  );
  await dynamodb.send(new UpdateTimeToLiveCommand({ TableName: tableName, TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true } }));
}

/**
 * Moto's TransactWriteItems deep-copies the table and, when the transaction is cancelled, puts the
 * copy back (moto/dynamodb/models, transact_write_items): on its threaded server that erases what
 * concurrent requests wrote meanwhile (a probe of 20 × 8 concurrent conditional puts left a
 * cancelled transaction's index item behind). Real DynamoDB transactions are atomic, so the
 * ledger's calls are made one at a time here; the IAM and Lambda calls, where the remediator's
 * own races live, stay concurrent. Returns the restore function.
 */
export function serializeLedgerCalls(): () => void {
  let tail: Promise<unknown> = Promise.resolve();
  const spies = [DynamoDBClient.prototype, DynamoDBDocumentClient.prototype].map((prototype) => {
    const original = prototype.send as (...args: unknown[]) => Promise<unknown>;
    return jest.spyOn(prototype as { send: (...args: unknown[]) => Promise<unknown> }, 'send').mockImplementation(function (this: unknown, ...args: unknown[]) {
      const call = tail.then(() => original.apply(this, args));
      tail = call.catch(() => undefined);
      return call;
    });
  });
  return () => spies.forEach((spy) => spy.mockRestore());
}

