import fc from 'fast-check';
import { WardenError } from '../../../domain/errors';
import { decodePolicy, PolicyError, tryDecodePolicy, type PolicyDocument } from '../../../domain/policy';
import { buffer, check, deep, edit, FUZZ_RUNS, loneSurrogate, mutate, nastyText, nestedText, truncated, wrongValue } from './arbitraries';

/**
 * Fuzz of the policy decoder (issue 7): documents in every form they arrive in (object, JSON
 * string, URL-encoded, JSON-in-JSON), then truncated, mutated, huge, deeply nested, with lone
 * surrogates, invalid percent-encoded UTF-8 or raw bytes. decodePolicy either returns a document
 * that keeps its promises or throws a PolicyError; it never throws anything else.
 */

const scalarOrArray = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | T[]> => fc.oneof(arb, fc.array(arb, { minLength: 1, maxLength: 3 }));

const action = fc.oneof(fc.constantFrom('s3:GetObject', 'iam:PassRole', '*', 'lambda:*', 'ec2:Describe*', 'IAM:passrole'), fc.stringMatching(/^[a-z0-9-]{1,8}:[A-Za-z*?]{1,10}$/));
const resource = fc.constantFrom('*', 'arn:aws:s3:::bucket/*', 'arn:aws:iam::111122223333:role/app', 'arn:aws-cn:lambda:cn-north-1:111122223333:function:f');
const principal = fc.oneof(
  fc.constant('*'),
  fc.record({ AWS: scalarOrArray(fc.constantFrom('*', 'arn:aws:iam::444455556666:root', '444455556666')) }),
  fc.record({ Service: scalarOrArray(fc.constantFrom('lambda.amazonaws.com', 'ec2.amazonaws.com')) }),
  fc.record({ Federated: fc.constant('arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com') }),
);
const condition = fc.dictionary(
  fc.constantFrom('StringEquals', 'StringLike', 'ForAnyValue:StringLike', 'ArnLikeIfExists', 'Bool', 'NumericLessThan', 'IpAddress'),
  fc.dictionary(fc.constantFrom('aws:PrincipalOrgID', 'aws:SourceArn', 'aws:MultiFactorAuthPresent', 'token.actions.githubusercontent.com:sub'), scalarOrArray(fc.oneof(fc.string({ maxLength: 12 }), fc.integer(), fc.boolean())), {
    minKeys: 1,
    maxKeys: 2,
  }),
  { maxKeys: 2 },
);

const statement = fc
  .record(
    {
      Sid: fc.string({ maxLength: 8 }),
      Effect: fc.constantFrom('Allow', 'Deny'),
      negateAction: fc.boolean(),
      actions: scalarOrArray(action),
      negateResource: fc.boolean(),
      resources: scalarOrArray(resource),
      Principal: principal,
      Condition: condition,
    },
    { requiredKeys: ['Effect', 'negateAction', 'actions'] },
  )
  .map(({ negateAction, actions, negateResource, resources, ...rest }) => ({
    ...rest,
    [negateAction ? 'NotAction' : 'Action']: actions,
    ...(resources === undefined ? {} : { [negateResource === true ? 'NotResource' : 'Resource']: resources }),
  }));

/** A document IAM would accept (a single statement or an array), as an object. */
const validDocument = fc.record(
  { Version: fc.constantFrom('2012-10-17', '2008-10-17'), Statement: fc.oneof(statement, fc.array(statement, { maxLength: 4 })) },
  { requiredKeys: ['Statement'] },
);

/** The forms a document arrives in (DESIGN.md §2). */
type Form = 'object' | 'json' | 'url' | 'json-of-json' | 'json-of-url' | 'url-of-url';

function inForm(document: unknown, form: Form): unknown {
  const json = JSON.stringify(document) ?? 'null';
  switch (form) {
    case 'object':
      return document;
    case 'json':
      return json;
    case 'url':
      return encodeURIComponent(json);
    case 'json-of-json':
      return JSON.stringify(json);
    case 'json-of-url':
      return JSON.stringify(encodeURIComponent(json));
    case 'url-of-url':
      return encodeURIComponent(encodeURIComponent(json));
  }
}

const form = fc.constantFrom<Form>('object', 'json', 'url', 'json-of-json', 'json-of-url', 'url-of-url');

/** Percent-encoded bytes that are not UTF-8 (a lone surrogate's encoding, stray continuation bytes). */
const invalidPercentUtf8 = fc.constantFrom('%ED%A0%80', '%C0%AF', '%FF', '%E0%A4', '%', '%zz', '%C3');

/** Just under and just over the decoder's 1,000,000-character limit, as a JSON string, a bad document and garbage (built once). */
const HUGE_TEXTS: readonly string[] = [999_990, 1_000_001].flatMap((n) => [`"${'a'.repeat(n - 2)}"`, `{"Statement":"${'%'.repeat(n - 16)}"}`, 'x'.repeat(n)]);

/** Documents whose Sid, Action or Condition nests 10 to 50,000 levels deep (a few fixed depths, built once). */
const DEEP_TEXTS: readonly string[] = [10, 1_000, 50_000].flatMap((depth) =>
  (['Sid', 'Action', 'Condition'] as const).flatMap((where) =>
    (['array', 'object'] as const).map((kind) => `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","${where}":${nestedText(depth, kind)}}}`),
  ),
);

/** Expensive shapes (huge, very deep) come less often, so that 10,000 runs stay within seconds. */
const anyInput: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(validDocument, form).map(([doc, f]) => inForm(doc, f)) },
  { weight: 6, arbitrary: fc.tuple(validDocument, fc.array(edit, { minLength: 1, maxLength: 4 }), form).map(([doc, edits, f]) => inForm(mutate(doc, edits), f)) },
  {
    weight: 4,
    arbitrary: fc.tuple(validDocument, form, fc.nat()).map(([doc, f, at]) => {
      const text = inForm(doc, f);
      return typeof text === 'string' ? truncated(text, at) : text;
    }),
  },
  { weight: 3, arbitrary: fc.tuple(validDocument, fc.constantFrom('Version', 'Statement', 'Sid'), wrongValue).map(([doc, key, value]) => ({ ...doc, [key]: value })) },
  {
    weight: 3,
    arbitrary: fc.tuple(validDocument, fc.nat({ max: 3 }), fc.array(fc.oneof(loneSurrogate, invalidPercentUtf8), { minLength: 1, maxLength: 3 }), fc.boolean()).map(([doc, at, junk, encode]) => {
      const json = JSON.stringify(doc);
      const cut = Math.floor((json.length * at) / 4);
      const broken = `${json.slice(0, cut)}${junk.join('')}${json.slice(cut)}`;
      return encode ? broken.replace(/[{}":,[\]]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`) : broken;
    }),
  },
  { weight: 2, arbitrary: fc.tuple(fc.array(invalidPercentUtf8, { minLength: 1, maxLength: 4 }), fc.string({ maxLength: 8 })).map(([junk, tail]) => `%7B${junk.join('')}${tail}`) },
  { weight: 1, arbitrary: fc.constantFrom(...DEEP_TEXTS) },
  { weight: 1, arbitrary: deep },
  {
    weight: 1,
    arbitrary: fc.tuple(validDocument, fc.integer({ min: 50, max: 500 })).map(([doc, copies]) => ({
      ...doc,
      Statement: Array.from({ length: copies }, () => (Array.isArray(doc.Statement) ? doc.Statement[0] : doc.Statement) ?? {}),
    })),
  },
  { weight: 1, arbitrary: fc.constantFrom(...HUGE_TEXTS) },
  { weight: 2, arbitrary: buffer },
  { weight: 2, arbitrary: buffer.map((bytes) => bytes.toString('utf8')) },
  { weight: 1, arbitrary: buffer.map((bytes) => bytes.toString('latin1')) },
  { weight: 3, arbitrary: nastyText },
  { weight: 2, arbitrary: fc.anything({ withNullPrototype: true, withObjectString: true, maxDepth: 3 }) },
);

const nonEmptyStrings = (list: readonly string[] | undefined): boolean => list === undefined || (list.length > 0 && list.every((s) => typeof s === 'string' && s.length > 0));

/** What a decoded document promises: normalised arrays, one of each exclusive pair, Effect known. */
function checkDocument(doc: PolicyDocument): void {
  check(doc.version === undefined || doc.version === '2012-10-17' || doc.version === '2008-10-17', 'unexpected version');
  check(Array.isArray(doc.statements), 'statements is not an array');
  doc.statements.forEach((s, i) => {
    check(s.index === i, 'statement index out of order');
    check(s.effect === 'Allow' || s.effect === 'Deny', 'unexpected effect');
    check((s.actions === undefined) !== (s.notActions === undefined), 'not exactly one of Action and NotAction');
    check(!(s.resources !== undefined && s.notResources !== undefined), 'both Resource and NotResource');
    for (const list of [s.actions, s.notActions, s.resources, s.notResources]) check(nonEmptyStrings(list), 'a list holds a non-string or is empty');
    check(Array.isArray(s.conditions), 'conditions is not an array');
  });
}

function decodeOutcome(input: unknown): void {
  let doc: PolicyDocument;
  try {
    doc = decodePolicy(input);
  } catch (error) {
    check(error instanceof PolicyError && error instanceof WardenError, `untyped error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return;
  }
  checkDocument(doc);
}

describe('decodePolicy fuzz', () => {
  it(`returns a well-formed document or throws a PolicyError for ${FUZZ_RUNS} generated inputs`, () => {
    fc.assert(fc.property(anyInput, decodeOutcome), { numRuns: FUZZ_RUNS, seed: 7_101 });
  });

  it('decodes every valid document in every form it arrives in to the same result', () => {
    fc.assert(
      fc.property(validDocument, (doc) => {
        const expected = JSON.stringify(decodePolicy(doc));
        // URL encoding twice is not a form AWS uses (DESIGN.md §2); it is only fuzzed for typed errors.
        for (const f of ['json', 'url', 'json-of-json', 'json-of-url'] as const) check(JSON.stringify(decodePolicy(inForm(doc, f))) === expected, `form ${f} decodes differently`);
      }),
      { numRuns: 2_000, seed: 7_102 },
    );
  });

  it('tryDecodePolicy never throws on the same inputs', () => {
    fc.assert(
      fc.property(anyInput, (input) => {
        const result = tryDecodePolicy(input);
        check(result.ok ? Array.isArray(result.document.statements) : result.error instanceof PolicyError, 'tryDecodePolicy returned an unexpected shape');
      }),
      { numRuns: 3_000, seed: 7_103 },
    );
  });

  it('never quotes the document in its error messages', () => {
    const canary = 'CANARYwJalrXUtnFEMI';
    fc.assert(
      fc.property(validDocument, fc.array(edit, { minLength: 1, maxLength: 3 }), form, (doc, edits, f) => {
        const bad = mutate({ ...doc, Statement: [{ Sid: canary, Effect: canary, Action: canary, Resource: canary }] }, edits);
        const result = tryDecodePolicy(inForm(bad, f));
        check(result.ok || !result.error.message.includes(canary), 'an error message quotes the document');
      }),
      { numRuns: 2_000, seed: 7_104 },
    );
  });
});
