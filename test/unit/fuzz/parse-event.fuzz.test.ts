import fc from 'fast-check';
import { defaultRegistry } from '../../../domain/detectors/registry';
import { WardenError } from '../../../domain/errors';
import { evaluateEvent } from '../../../domain/evaluate-event';
import { parseEvent, type ClassifyOptions, type EventVerdict } from '../../../domain/events';
import { cloudTrailRecord, eventBridgeEvent } from '../events/builders';
import { buffer, check, deep, edit, FUZZ_RUNS, mutate, nastyText, wrongValue } from './arbitraries';

/**
 * Fuzz of the event parser (issue 7): whatever arrives — valid records and envelopes, the same
 * with fields dropped, cut short or of the wrong type, huge, deeply nested, with lone surrogates
 * or raw bytes — parseEvent returns a verdict and never throws; the typed verdicts hold what
 * they promise; and no input reaches its defensive catch-all (which would hide a crash).
 */

const options: ClassifyOptions = {
  selfArnPatterns: ['arn:aws:iam::*:role/warden-prod-*'],
  isHandled: (source, name) => defaultRegistry.handles(source, name),
};

const IAM_NAMES = ['PutRolePolicy', 'AttachRolePolicy', 'CreatePolicyVersion', 'UpdateAssumeRolePolicy', 'CreateRole', 'TagRole', 'AddUserToGroup', 'ListRoles'];
const LAMBDA_NAMES = ['CreateFunction20150331', 'UpdateFunctionConfiguration20150331v2', 'AddPermission20150331v2', 'CreateFunctionUrlConfig20211031', 'TagResource'];

/** A realistic record: IAM or Lambda, bare or wrapped, by Warden or not, failed or not. */
const validEvent: fc.Arbitrary<Record<string, unknown>> = fc
  .record({
    lambda: fc.boolean(),
    iamName: fc.constantFrom(...IAM_NAMES),
    lambdaName: fc.constantFrom(...LAMBDA_NAMES),
    issuer: fc.constantFrom('arn:aws:iam::111122223333:role/Admin', 'arn:aws:iam::111122223333:role/warden-prod-remediate-us-east-1'),
    failed: fc.boolean(),
    wrapped: fc.boolean(),
    parameters: fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 5 }),
    eventID: fc.uuid(),
  })
  .map((g) => {
    const record = cloudTrailRecord({
      eventSource: g.lambda ? 'lambda.amazonaws.com' : 'iam.amazonaws.com',
      eventName: g.lambda ? g.lambdaName : g.iamName,
      sessionIssuerArn: g.issuer,
      requestParameters: { roleName: 'app', functionName: 'fn', policyDocument: '{"Version":"2012-10-17","Statement":[]}', ...g.parameters },
      eventID: g.eventID,
      ...(g.failed ? { errorCode: 'AccessDenied' } : {}),
    });
    return g.wrapped ? eventBridgeEvent(record, `eb-${g.eventID}`) : record;
  });

/** The input kinds issue 7 names, roughly equally often. */
const anyInput: fc.Arbitrary<unknown> = fc.oneof(
  validEvent,
  fc.tuple(validEvent, fc.array(edit, { minLength: 1, maxLength: 4 })).map(([event, edits]) => mutate(event, edits)),
  validEvent.chain((event) => fc.tuple(fc.constantFrom('detail', 'requestParameters', 'userIdentity'), deep).map(([key, value]) => ({ ...event, [key]: value }))),
  validEvent.chain((event) => fc.tuple(fc.constantFrom('eventName', 'eventSource', 'eventID', 'id', 'source', 'detail-type'), nastyText).map(([key, value]) => ({ ...event, [key]: value }))),
  fc.tuple(validEvent, buffer).map(([event, bytes]) => ({ ...event, requestParameters: { policyDocument: bytes } })),
  wrongValue,
  fc.anything({ withNullPrototype: true, withObjectString: true, maxDepth: 3 }),
  deep.map((detail) => ({ detail, 'detail-type': 'AWS API Call via CloudTrail', id: 'x', source: 'aws.iam' })),
);

const KINDS = new Set(['change', 'ignored', 'malformed']);
const OUTCOMES = new Set(['finding', 'clean', 'ignored', 'unresolved', 'error']);

function nonEmptyText(value: unknown): boolean {
  return typeof value === 'string' && value.length > 0;
}

/** What every verdict promises its reader. */
function checkVerdict(verdict: EventVerdict): void {
  check(KINDS.has(verdict.kind), `unknown verdict kind ${String(verdict.kind)}`);
  if (verdict.kind === 'change') {
    const c = verdict.change;
    for (const field of [c.eventId, c.correlationId, c.eventName, c.rawEventName, c.eventSource, c.eventTime, c.region, c.accountId, c.actor.type]) {
      check(nonEmptyText(field), 'a change field is not a non-empty string');
    }
    check(typeof c.requestParameters === 'object' && c.requestParameters !== null, 'requestParameters is not an object');
    return;
  }
  check(typeof verdict.message === 'string', 'the verdict message is not a string');
  check([verdict.ref.eventId, verdict.ref.eventName, verdict.ref.eventSource].every((field) => typeof field === 'string'), 'the ref holds a non-string');
  // The catch-all turns a thrown error into this message: reaching it means a crash was hidden.
  check(!verdict.message.startsWith('unreadable event:'), `parseEvent caught a crash: ${verdict.message}`);
}

describe('parseEvent fuzz', () => {
  it(`returns a typed verdict for ${FUZZ_RUNS} generated inputs and never throws`, () => {
    fc.assert(
      fc.property(anyInput, (input) => {
        checkVerdict(parseEvent(input, options));
      }),
      { numRuns: FUZZ_RUNS, seed: 7_001 },
    );
  });

  it('turns a valid event into a change or an ignore, never malformed', () => {
    fc.assert(
      fc.property(validEvent, (input) => {
        const verdict = parseEvent(input, options);
        check(verdict.kind !== 'malformed', `a valid event was judged malformed: ${verdict.kind === 'malformed' ? verdict.message : ''}`);
      }),
      { numRuns: 2_000, seed: 7_002 },
    );
  });

  it(`carries ${FUZZ_RUNS} generated inputs through detection (event only) with only typed failures`, async () => {
    await fc.assert(
      fc.asyncProperty(anyInput, async (input) => {
        const { result, failure } = await evaluateEvent(input, { registry: defaultRegistry, readers: {}, selfArnPatterns: options.selfArnPatterns });
        check(OUTCOMES.has(result.outcome), `unknown outcome ${result.outcome}`);
        check(failure === undefined || failure instanceof WardenError, `untyped failure: ${failure instanceof Error ? (failure.stack ?? failure.message) : String(failure)}`);
        check(typeof JSON.stringify(result) === 'string', 'the result does not serialise');
      }),
      { numRuns: FUZZ_RUNS, seed: 7_003, timeout: 10_000 },
    );
  }, 120_000);
});
