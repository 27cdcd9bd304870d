import { GetItemCommand, PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createLedgerTable } from '../ledger-table';
import { CorruptLedgerError } from '../../../domain/remediation/ledger-record';
import { createAwsClients } from '../../../infra/aws/clients';
import { DynamoDbLedger, dynamoLedgerActions } from '../../../infra/ledger/dynamodb-ledger';
import { resetMoto } from '../moto';
import { ledgerContract, sampleRecord } from './ledger-contract';

const TABLE = 'warden-test-ledger';
let client: DynamoDBClient;

beforeAll(async () => {
  await resetMoto();
  client = createAwsClients().dynamodb();
  await createLedgerTable(client, TABLE);
});

ledgerContract('DynamoDB (moto)', () => Promise.resolve(new DynamoDbLedger(client, TABLE)));

describe('DynamoDbLedger specifics', () => {
  it('stores the record under record#<undoId> with expiresAt as a number, and an index item per action', async () => {
    const ledger = new DynamoDbLedger(client, TABLE);
    const record = sampleRecord();
    await ledger.begin(record);
    const { Item } = await client.send(new GetItemCommand({ TableName: TABLE, Key: { pk: { S: `record#${record.undoId}` }, sk: { S: 'record' } } }));
    expect(Item?.['expiresAt']).toEqual({ N: String(record.expiresAt) });
    expect(Item?.['eventId']).toEqual({ S: record.eventId });
    const index = await client.send(
      new GetItemCommand({ TableName: TABLE, Key: { pk: { S: `actions#${record.resourceArn}` }, sk: { S: `${record.createdAt}#${record.undoId}` } } }),
    );
    expect(index.Item?.['expiresAt']).toEqual({ N: String(record.expiresAt) });
  });

  it('never gives last-known-good entries a TTL', async () => {
    const ledger = new DynamoDbLedger(client, TABLE);
    await ledger.putLastKnownGood({ key: 'k#trust-policy', document: '{}', recordedAt: '2026-06-15T12:00:00.000Z' });
    const { Item } = await client.send(new GetItemCommand({ TableName: TABLE, Key: { pk: { S: 'lkg#k#trust-policy' }, sk: { S: 'lkg' } } }));
    expect(Item).toBeDefined();
    expect(Item?.['expiresAt']).toBeUndefined();
  });

  it('refuses an item of the wrong shape', async () => {
    await client.send(new PutItemCommand({ TableName: TABLE, Item: { pk: { S: 'record#u-bad' }, sk: { S: 'record' }, plan: { S: 'not json' } } }));
    await expect(new DynamoDbLedger(client, TABLE).get('u-bad')).rejects.toBeInstanceOf(CorruptLedgerError);
  });

  it('declares the actions the remediate role grants on the table', () => {
    expect([...dynamoLedgerActions].sort()).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem']);
  });
});
