import type { Detector, Loaded } from '../../../domain/detectors/detector';
import { DetectorRegistry } from '../../../domain/detectors/registry';
import { ThrottledError } from '../../../domain/errors';
import { evaluateEvent } from '../../../domain/evaluate-event';
import type { Change } from '../../../domain/events';
import { findingId, type Finding } from '../../../domain/findings';
import { cloudTrailRecord, eventBridgeEvent } from '../events/builders';

/** A detector that flags PutRolePolicy on roles named "bad", from what its loader returns. */
function roleNameDetector(load: (change: Change) => Promise<Loaded<string>>): Detector<string> {
  return {
    metadata: { id: 'test-bad-role', title: 'bad role', category: 'test', severity: 'high', risk: 'r', fix: 'f' },
    runsIn: 'detectIam',
    trigger: { source: 'aws.iam', eventNames: ['PutRolePolicy'] },
    permissions: ['iam:GetRole'],
    load: (change) => load(change),
    evaluate(change, roleName): Finding[] {
      if (roleName !== 'bad') return [];
      const resourceArn = `arn:aws:iam::${change.accountId}:role/${roleName}`;
      return [{ id: findingId('test-bad-role', resourceArn, change.eventId), ruleId: 'test-bad-role', category: 'test', severity: 'high', resourceArn, title: 'bad', evidence: {}, eventId: change.eventId, correlationId: change.correlationId, accountId: change.accountId, region: change.region }];
    },
  };
}

const fromEvent = (change: Change): Promise<Loaded<string>> => Promise.resolve({ status: 'resolved', state: String(change.requestParameters.roleName) });

function context(detector: Detector<string>) {
  return { registry: new DetectorRegistry([detector]), readers: {}, selfArnPatterns: [] };
}

describe('evaluateEvent', () => {
  it('reports findings with a summary', async () => {
    const event = eventBridgeEvent(cloudTrailRecord({ requestParameters: { roleName: 'bad' } }));
    const { result } = await evaluateEvent(event, context(roleNameDetector(fromEvent)));
    expect(result.outcome).toBe('finding');
    expect(result.reason).toBe('1 finding: test-bad-role');
    expect(result.findings.map((finding) => finding.resourceArn)).toEqual(['arn:aws:iam::111122223333:role/bad']);
  });

  it('is clean when the detector finds nothing', async () => {
    const { result } = await evaluateEvent(eventBridgeEvent(cloudTrailRecord({ requestParameters: { roleName: 'good' } })), context(roleNameDetector(fromEvent)));
    expect(result).toMatchObject({ outcome: 'clean', findings: [], actions: [] });
  });

  it('is unresolved when state cannot be read, with the reason', async () => {
    const detector = roleNameDetector(() => Promise.resolve({ status: 'unresolved', reason: 'no snapshot' }));
    const { result } = await evaluateEvent(eventBridgeEvent(cloudTrailRecord()), context(detector));
    expect(result).toMatchObject({ outcome: 'unresolved', reason: 'test-bad-role: no snapshot' });
  });

  it('turns a loader failure into an error result and keeps the error for the handler', async () => {
    const failure = new ThrottledError('iam:GetRole throttled');
    const detector = roleNameDetector(() => Promise.reject(failure));
    const evaluation = await evaluateEvent(eventBridgeEvent(cloudTrailRecord()), context(detector));
    expect(evaluation.result).toMatchObject({ outcome: 'error', reason: 'ThrottledError: iam:GetRole throttled' });
    expect(evaluation.failure).toBe(failure);
  });

  it('ignores events no detector handles, before loading anything', async () => {
    const load = jest.fn(fromEvent);
    const { result } = await evaluateEvent(eventBridgeEvent(cloudTrailRecord({ eventName: 'AttachRolePolicy' })), context(roleNameDetector(load)));
    expect(result.outcome).toBe('ignored');
    expect(load).not.toHaveBeenCalled();
  });

  it('returns error for malformed input', async () => {
    const { result } = await evaluateEvent('garbage', context(roleNameDetector(fromEvent)));
    expect(result).toMatchObject({ outcome: 'error', eventId: 'unknown' });
  });

  it('asks the planner for actions only when there are findings', async () => {
    const plan = jest.fn(() => Promise.resolve([{ step: 'detach-policy', target: 'arn', status: 'planned' as const }]));
    const base = context(roleNameDetector(fromEvent));
    const bad = await evaluateEvent(eventBridgeEvent(cloudTrailRecord({ requestParameters: { roleName: 'bad' } })), { ...base, plan });
    const good = await evaluateEvent(eventBridgeEvent(cloudTrailRecord({ requestParameters: { roleName: 'good' } })), { ...base, plan });
    expect(bad.result.actions).toEqual([{ step: 'detach-policy', target: 'arn', status: 'planned' }]);
    expect(good.result.actions).toEqual([]);
    expect(plan).toHaveBeenCalledTimes(1);
  });
});

describe('DetectorRegistry', () => {
  it('finds detectors by source and bare event name, and filters by function', () => {
    const registry = new DetectorRegistry([roleNameDetector(fromEvent)]);
    expect(registry.handles('iam.amazonaws.com', 'PutRolePolicy')).toBe(true);
    expect(registry.handles('lambda.amazonaws.com', 'PutRolePolicy')).toBe(false);
    expect(registry.only('detectLambda').handles('iam.amazonaws.com', 'PutRolePolicy')).toBe(false);
  });

  it('rejects duplicate ids', () => {
    const detector = roleNameDetector(fromEvent) as Detector;
    expect(() => new DetectorRegistry([detector, detector])).toThrow(/duplicate detector id test-bad-role/);
  });
});
