import { mkdtempSync, readFileSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CorruptLedgerError } from '../../../domain/remediation/ledger-record';
import { DEFAULT_LEDGER_FILE, FileLedger, snapshotLedgerFile } from '../../../infra/ledger/file-ledger';
import { ledgerContract, sampleRecord } from './ledger-contract';

const dir = mkdtempSync(join(tmpdir(), 'warden-file-ledger-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

ledgerContract('file (JSON lines)', () => Promise.resolve(new FileLedger(join(dir, 'contract', '.warden', 'ledger.jsonl'))));

describe('FileLedger specifics', () => {
  it('is append-only: each change adds a line, the latest line wins', async () => {
    const path = join(dir, 'append.jsonl');
    const ledger = new FileLedger(path);
    const record = sampleRecord({ steps: 2 });
    await ledger.begin(record);
    await ledger.markStep(record.undoId, 0, 'applied');
    await ledger.complete(record.undoId, 'failed', { reason: 'x' });
    const lines = readFileSync(path, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(3);
    expect((JSON.parse(lines[0] ?? '{}') as { record: { status: string } }).record.status).toBe('in-progress');
    expect((await new FileLedger(path).get(record.undoId))?.status).toBe('failed');
  });

  it('shares the lock between instances on the same path', async () => {
    const path = join(dir, 'shared.jsonl');
    const a = new FileLedger(path);
    const b = new FileLedger(join(dir, '.', 'shared.jsonl'));
    const record = sampleRecord();
    const results = await Promise.allSettled([a.begin(record), b.begin(record), a.begin(record)]);
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
  });

  it('skips a torn last line and keeps appending cleanly after it', async () => {
    const path = join(dir, 'torn.jsonl');
    const ledger = new FileLedger(path);
    const first = sampleRecord();
    await ledger.begin(first);
    appendFileSync(path, '{"type":"record","record":{"undoId":"u-tor'); // a crash mid-append
    const second = sampleRecord();
    await ledger.begin(second);
    expect(await ledger.get(first.undoId)).toEqual(first);
    expect(await ledger.get(second.undoId)).toEqual(second);
  });

  it('refuses a line of the wrong shape', async () => {
    const path = join(dir, 'corrupt.jsonl');
    writeFileSync(path, '{"type":"record","record":{"undoId":"u-1"}}\n');
    await expect(new FileLedger(path).get('u-1')).rejects.toBeInstanceOf(CorruptLedgerError);
  });

  it('puts the ledger in .warden/ by default and inside a snapshot', () => {
    expect(DEFAULT_LEDGER_FILE).toBe(join('.warden', 'ledger.jsonl'));
    expect(snapshotLedgerFile('/snap')).toBe('/snap/.warden/ledger.jsonl');
  });
});
