import { InvalidInputError } from '../../../domain/errors';
import type { Ledger } from '../../../domain/ports';
import {
  AlreadyRecordedError,
  LedgerRecordNotFoundError,
  newLedgerRecord,
  type LedgerRecord,
  type PriorState,
} from '../../../domain/remediation/ledger-record';
import type { Plan } from '../../../domain/remediation/plan';

/**
 * The contract every {@link Ledger} adapter passes (written once, run against the DynamoDB
 * ledger on moto, the file ledger on a tmp dir, and the in-memory fake of the unit tests).
 * Records use fresh ids per test, so one store can serve the whole suite.
 */

let sequence = 0;

/** A plan of `steps` steps with documents in params and inverses. */
export function samplePlan(findingId: string, steps = 3): Plan {
  return {
    remediationId: 'iam-rollback',
    findingId,
    steps: Array.from({ length: steps }, (_, i) => ({
      step: `step-${i}`,
      target: `arn:aws:iam::123456789012:role/app-${i}`,
      call: { action: 'iam:PutRolePolicy', params: { RoleName: `app-${i}`, PolicyName: 'p', PolicyDocument: '{"Version":"2012-10-17","Statement":[]}' } },
      inverse: { action: 'iam:DeleteRolePolicy', params: { RoleName: `app-${i}`, PolicyName: 'p' } },
    })),
  };
}

/** A fresh record on `resourceArn`, created at `createdAt`. */
export function sampleRecord(options: { resourceArn?: string; createdAt?: Date; priorState?: PriorState; steps?: number } = {}): LedgerRecord {
  sequence += 1;
  const eventId = `event-${Date.now()}-${sequence}`;
  return newLedgerRecord(
    {
      plan: samplePlan(`finding-${sequence}`, options.steps ?? 3),
      eventId,
      correlationId: eventId,
      resourceArn: options.resourceArn ?? `arn:aws:iam::123456789012:role/app-${sequence}`,
      priorState: options.priorState ?? { 'inline:p': '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}' },
    },
    options.createdAt ?? new Date('2026-06-15T12:00:00Z'),
  );
}

/** Registers the contract tests for a ledger built by `make` (called once, in beforeAll). */
export function ledgerContract(name: string, make: () => Promise<Ledger>): void {
  describe(`Ledger contract: ${name}`, () => {
    let ledger: Ledger;
    beforeAll(async () => {
      ledger = await make();
    });

    it('begins a record and reads it back exactly', async () => {
      const record = sampleRecord();
      await ledger.begin(record);
      expect(await ledger.get(record.undoId)).toEqual(record);
    });

    it('keeps plan and prior state exactly (nested, unicode, empty, null, numbers)', async () => {
      const priorState: PriorState = {
        'inline:p': '{"a":"ü ✓ \\"quoted\\""}',
        urlConfig: { AuthType: 'NONE', Cors: { AllowOrigins: ['*'], MaxAge: 0 }, Empty: {}, List: [], Nothing: null, Flag: false },
        concurrency: 0,
        emptyText: '',
      };
      const record = sampleRecord({ priorState, steps: 1 });
      await ledger.begin(record);
      const read = await ledger.get(record.undoId);
      expect(read?.priorState).toEqual(priorState);
      expect(read?.plan).toEqual(record.plan);
    });

    it('refuses a second begin for the same key and hands back the existing record', async () => {
      const record = sampleRecord();
      await ledger.begin(record);
      await ledger.markStep(record.undoId, 0, 'applied', { at: '2026-06-15T12:00:01.000Z' });
      const again = { ...record, correlationId: 'another-delivery' };
      const error = await ledger.begin(again).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(AlreadyRecordedError);
      const existing = (error as AlreadyRecordedError).existing;
      expect(existing.correlationId).toBe(record.correlationId);
      expect(existing.steps[0]?.status).toBe('applied');
    });

    it('lets exactly one of concurrent begins win', async () => {
      const record = sampleRecord();
      const results = await Promise.allSettled(Array.from({ length: 5 }, () => ledger.begin(record)));
      expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
      for (const result of results.filter((r): r is PromiseRejectedResult => r.status === 'rejected')) {
        expect(result.reason).toBeInstanceOf(AlreadyRecordedError);
      }
    });

    it('marks steps one by one, leaving the others as they were', async () => {
      const record = sampleRecord();
      await ledger.begin(record);
      await ledger.markStep(record.undoId, 1, 'failed', { reason: 'AccessDeniedError: iam:PutRolePolicy failed: AccessDenied', at: '2026-06-15T12:00:02.000Z' });
      const read = await ledger.get(record.undoId);
      expect(read?.steps).toEqual([
        { status: 'pending' },
        { status: 'failed', reason: 'AccessDeniedError: iam:PutRolePolicy failed: AccessDenied', at: '2026-06-15T12:00:02.000Z' },
        { status: 'pending' },
      ]);
      expect(read?.updatedAt).toBe('2026-06-15T12:00:02.000Z');
      expect(read?.status).toBe('in-progress');
    });

    it('keeps every concurrent step mark', async () => {
      const record = sampleRecord({ steps: 4 });
      await ledger.begin(record);
      await Promise.all([0, 1, 2, 3].map((index) => ledger.markStep(record.undoId, index, 'applied')));
      expect((await ledger.get(record.undoId))?.steps.map((step) => step.status)).toEqual(['applied', 'applied', 'applied', 'applied']);
    });

    it('rejects a step that does not exist without changing the record', async () => {
      const record = sampleRecord({ steps: 2 });
      await ledger.begin(record);
      await expect(ledger.markStep(record.undoId, 2, 'applied')).rejects.toBeInstanceOf(InvalidInputError);
      await expect(ledger.markStep(record.undoId, -1, 'applied')).rejects.toBeInstanceOf(InvalidInputError);
      expect((await ledger.get(record.undoId))?.steps).toHaveLength(2);
    });

    it('completes with a status and reason, and clears the reason when none is given', async () => {
      const record = sampleRecord();
      await ledger.begin(record);
      await ledger.complete(record.undoId, 'failed', { reason: 'step 2 failed', at: '2026-06-15T12:00:03.000Z' });
      expect(await ledger.get(record.undoId)).toMatchObject({ status: 'failed', reason: 'step 2 failed', updatedAt: '2026-06-15T12:00:03.000Z' });
      await ledger.complete(record.undoId, 'applied');
      const read = await ledger.get(record.undoId);
      expect(read?.status).toBe('applied');
      expect(read?.reason).toBeUndefined();
    });

    it('says when a record does not exist', async () => {
      expect(await ledger.get('u-00000000000000000000')).toBeUndefined();
      await expect(ledger.markStep('u-00000000000000000000', 0, 'applied')).rejects.toBeInstanceOf(LedgerRecordNotFoundError);
      await expect(ledger.complete('u-00000000000000000000', 'applied')).rejects.toBeInstanceOf(LedgerRecordNotFoundError);
    });

    it('stores, replaces and reads last-known-good documents', async () => {
      const key = `arn:aws:iam::123456789012:role/lkg-${Date.now()}#inline:p`;
      expect(await ledger.lastKnownGood(key)).toBeUndefined();
      await ledger.putLastKnownGood({ key, document: '{"v":1}', recordedAt: '2026-06-15T12:00:00.000Z', eventId: 'e1' });
      expect(await ledger.lastKnownGood(key)).toEqual({ key, document: '{"v":1}', recordedAt: '2026-06-15T12:00:00.000Z', eventId: 'e1' });
      await ledger.putLastKnownGood({ key, document: '{"v":2}', recordedAt: '2026-06-16T12:00:00.000Z' });
      expect(await ledger.lastKnownGood(key)).toEqual({ key, document: '{"v":2}', recordedAt: '2026-06-16T12:00:00.000Z' });
      expect(await ledger.lastKnownGood(`${key}-other`)).toBeUndefined();
    });

    it('counts actions per resource since a time (the circuit breaker)', async () => {
      const resourceArn = `arn:aws:iam::123456789012:role/busy-${Date.now()}`;
      const times = ['2026-06-15T10:00:00Z', '2026-06-15T11:30:00Z', '2026-06-15T11:45:00Z', '2026-06-15T12:00:00Z'];
      for (const time of times) await ledger.begin(sampleRecord({ resourceArn, createdAt: new Date(time) }));
      await ledger.begin(sampleRecord({ resourceArn: `${resourceArn}-other`, createdAt: new Date('2026-06-15T11:50:00Z') }));
      expect(await ledger.countRecentActions(resourceArn, new Date('2026-06-15T11:00:00Z'))).toBe(3);
      expect(await ledger.countRecentActions(resourceArn, new Date('2026-06-15T11:45:00Z'))).toBe(2);
      expect(await ledger.countRecentActions(resourceArn, new Date('2026-06-15T12:00:01Z'))).toBe(0);
      expect(await ledger.countRecentActions(`${resourceArn}-none`, new Date(0))).toBe(0);
    });

    describe('resource leases', () => {
      const T0 = new Date('2026-06-15T12:00:00Z');
      const at = (seconds: number): Date => new Date(T0.getTime() + seconds * 1000);
      const resource = (): string => {
        sequence += 1;
        return `arn:aws:lambda:us-east-1:123456789012:function:leased-${Date.now()}-${sequence}`;
      };

      it('gives a free lease, refuses it to another owner until it ends, and extends it for its owner', async () => {
        const arn = resource();
        expect(await ledger.acquireLease(arn, 'run-a', at(90), T0)).toBe(true);
        expect(await ledger.acquireLease(arn, 'run-b', at(100), at(10))).toBe(false);
        expect(await ledger.acquireLease(arn, 'run-a', at(120), at(10))).toBe(true);
        // Extended to 120 s: still held at 100 s.
        expect(await ledger.acquireLease(arn, 'run-b', at(190), at(100))).toBe(false);
      });

      it('lets another owner take an expired lease over (a crashed run blocks no one for ever)', async () => {
        const arn = resource();
        expect(await ledger.acquireLease(arn, 'crashed', at(90), T0)).toBe(true);
        expect(await ledger.acquireLease(arn, 'next', at(181), at(91))).toBe(true);
        expect(await ledger.acquireLease(arn, 'crashed', at(200), at(110))).toBe(false);
      });

      it('is released by its owner only; a release after a takeover is a no-op', async () => {
        const arn = resource();
        expect(await ledger.acquireLease(arn, 'run-a', at(90), T0)).toBe(true);
        await ledger.releaseLease(arn, 'run-b');
        expect(await ledger.acquireLease(arn, 'run-b', at(100), at(10))).toBe(false);
        await ledger.releaseLease(arn, 'run-a');
        expect(await ledger.acquireLease(arn, 'run-b', at(100), at(10))).toBe(true);
        await ledger.releaseLease(arn, 'run-a');
        expect(await ledger.acquireLease(arn, 'run-c', at(100), at(20))).toBe(false);
        await ledger.releaseLease(`${arn}-never-leased`, 'run-a');
        expect(await ledger.acquireLease(`${arn}-never-leased`, 'run-d', at(100), at(20))).toBe(true);
      });

      it('lets exactly one of concurrent acquirers win', async () => {
        const arn = resource();
        const results = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((owner) => ledger.acquireLease(arn, owner, at(90), T0)));
        expect(results.filter(Boolean)).toHaveLength(1);
      });

      it('keeps leases apart from records: not counted, not read as one', async () => {
        const arn = resource();
        await ledger.acquireLease(arn, 'run-a', at(90), T0);
        await ledger.begin(sampleRecord({ resourceArn: arn, createdAt: T0 }));
        expect(await ledger.countRecentActions(arn, new Date(0))).toBe(1);
        await ledger.releaseLease(arn, 'run-a');
        expect(await ledger.countRecentActions(arn, new Date(0))).toBe(1);
      });
    });

    it('remembers sent alerts until they expire', async () => {
      const key = `u-note-${Date.now()}`;
      // Far from any adapter's clock (the fake's is fixed): one in 2100, one in 1970.
      expect(await ledger.alertSent(key)).toBe(false);
      await ledger.noteAlertSent(key, Date.parse('2100-01-01T00:00:00Z') / 1000);
      expect(await ledger.alertSent(key)).toBe(true);
      expect(await ledger.alertSent(`${key}-other`)).toBe(false);
      await ledger.noteAlertSent(`${key}-old`, 60);
      expect(await ledger.alertSent(`${key}-old`)).toBe(false);
    });

    it('sets a TTL about 400 days out on records', async () => {
      const record = sampleRecord({ createdAt: new Date('2026-06-15T12:00:00Z') });
      await ledger.begin(record);
      const read = await ledger.get(record.undoId);
      expect(read?.expiresAt).toBe(Date.parse('2026-06-15T12:00:00Z') / 1000 + 400 * 86400);
    });
  });
}
