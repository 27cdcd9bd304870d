import { randomBytes } from 'node:crypto';
import { documentDiff, prettyDocument } from '../../../domain/notifications/policy-diff';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const random = (length: number, alphabet = ALNUM): string => [...randomBytes(length)].map((byte) => alphabet[byte % alphabet.length]).join('');

/** Policy text is not a secret by type, but a Condition value or Resource string can hold one (issue 7 part 4). */
describe('policy documents in alerts never show a secret-shaped token', () => {
  const github = `ghp_${random(36)}`;
  const stripe = `sk_live_${random(24)}`;
  const awsKeyId = `AKIA${random(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}`;
  const doc = (condition: string, resource: string): string =>
    JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::exports/${resource}/*`, Condition: { StringEquals: { 'aws:UserAgent': condition, [`aws:RequestTag/${awsKeyId}`]: 'x' } } }],
    });

  it('masks known-format tokens in values and keys, keeping the rest of the document', () => {
    const pretty = prettyDocument(doc(stripe, github)) ?? '';
    for (const token of [github, stripe, awsKeyId]) expect(pretty).not.toContain(token.slice(4, 16));
    expect(pretty).toContain('"Resource": "arn:aws:s3:::exports/[redacted secret]/*"');
    expect(pretty).toContain('"aws:UserAgent": "[redacted secret]"');
    expect(pretty).toContain('"Action": "s3:GetObject"');
  });

  it('shows a change of a secret-shaped value as a change, without either token', () => {
    const other = `sk_live_${random(24)}`;
    const diff = documentDiff(doc(stripe, 'reports'), doc(other, 'reports'));
    expect(diff).not.toContain(stripe.slice(8));
    expect(diff).not.toContain(other.slice(8));
    expect(diff).toBe('(only secret-shaped values differ; not shown)');
    expect(documentDiff(doc(stripe, 'reports'), doc(stripe, 'reports'))).toBe('(no difference)');
  });

  it('leaves ordinary policy text alone', () => {
    const plain = JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'ReadReports', Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::reports/*' }] });
    expect(prettyDocument(plain)).not.toContain('[redacted');
  });
});

describe('a reordered document is still no difference', () => {
  it('key order alone never reads as a masked change', () => {
    const a = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}';
    const b = '{"Statement":[{"Resource":"*","Action":"s3:GetObject","Effect":"Allow"}],"Version":"2012-10-17"}';
    expect(documentDiff(a, b)).toBe('(no difference)');
  });
});
