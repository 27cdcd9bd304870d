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

  it('keeps a lease as its own item (lease#<arn>, not a record), ends it on release without deleting it', async () => {
    const ledger = new DynamoDbLedger(client, TABLE);
    const arn = 'arn:aws:lambda:us-east-1:123456789012:function:lease-item';
    const key = { pk: { S: `lease#${arn}` }, sk: { S: 'lease' } };
    const until = new Date('2026-06-15T12:01:30Z');
    expect(await ledger.acquireLease(arn, 'run-a', until, new Date('2026-06-15T12:00:00Z'))).toBe(true);
    const held = (await client.send(new GetItemCommand({ TableName: TABLE, Key: key }))).Item;
    expect(held).toMatchObject({ type: { S: 'lease' }, owner: { S: 'run-a' }, until: { N: String(until.getTime()) }, expiresAt: { N: String(until.getTime() / 1000 + 3600) } });
    await ledger.releaseLease(arn, 'run-a');
    const released = (await client.send(new GetItemCommand({ TableName: TABLE, Key: key }))).Item;
    expect(released?.['until']).toEqual({ N: '0' });
    expect(released?.['owner']).toBeUndefined();
  });

  it('keeps the note of a sent alert as its own item with the given TTL', async () => {
    const ledger = new DynamoDbLedger(client, TABLE);
    await ledger.noteAlertSent('u-0123456789abcdef0123', 4_102_444_800);
    const { Item } = await client.send(new GetItemCommand({ TableName: TABLE, Key: { pk: { S: 'alert#u-0123456789abcdef0123' }, sk: { S: 'alert' } } }));
    expect(Item).toMatchObject({ type: { S: 'alert' }, expiresAt: { N: '4102444800' } });
  });

  it('declares the actions the remediate role grants on the table', () => {
    expect([...dynamoLedgerActions].sort()).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem']);
  });
});
