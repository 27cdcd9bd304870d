import fc from 'fast-check';
import { decodePolicy, tryDecodePolicy } from '../../../domain/policy/decode';
import { InvalidPolicyError, PolicyError } from '../../../domain/policy/errors';
import { InvalidInputError } from '../../../domain/errors';

const simple = { Version: '2012-10-17', Statement: [{ Sid: 'A', Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }] };
const text = JSON.stringify(simple);

describe('decodePolicy: input forms', () => {
  const forms: readonly [string, unknown][] = [
    ['parsed object', simple],
    ['JSON string', text],
    ['JSON string with surrounding whitespace', `\n  ${text}  \n`],
    ['URL-encoded JSON (IAM read APIs)', encodeURIComponent(text)],
    ['URL-encoded JSON inside a JSON string (both)', JSON.stringify(encodeURIComponent(text))],
    ['JSON string inside a JSON string', JSON.stringify(text)],
  ];
  it.each(forms)('%s', (_name, input) => {
    const doc = decodePolicy(input);
    expect(doc).toEqual({
      version: '2012-10-17',
      statements: [{ index: 0, sid: 'A', effect: 'Allow', actions: ['s3:GetObject'], resources: ['arn:aws:s3:::b/*'], conditions: [] }],
    });
  });
});

describe('decodePolicy: normalisation', () => {
  it('accepts a single statement object and scalar values', () => {
    const doc = decodePolicy({ Statement: { Effect: 'Deny', NotAction: 'iam:*', NotResource: 'arn:aws:s3:::x' } });
    expect(doc.version).toBeUndefined();
    expect(doc.statements[0]).toEqual({ index: 0, effect: 'Deny', notActions: ['iam:*'], notResources: ['arn:aws:s3:::x'], conditions: [] });
  });

  it('keeps Version 2008-10-17', () => {
    expect(decodePolicy({ Version: '2008-10-17', Statement: [] }).version).toBe('2008-10-17');
  });

  it('normalises principals of every type', () => {
    const doc = decodePolicy({
      Statement: [
        { Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRole' },
        { Effect: 'Allow', Principal: { AWS: '111122223333', Service: ['lambda.amazonaws.com'], Federated: 'x', CanonicalUser: 'abc' }, Action: 'sts:AssumeRole' },
        { Effect: 'Allow', NotPrincipal: { AWS: ['arn:aws:iam::1:root'] }, Action: 'sts:AssumeRole' },
      ],
    });
    expect(doc.statements[0]?.principal).toBe('*');
    expect(doc.statements[1]?.principal).toEqual({ aws: ['111122223333'], service: ['lambda.amazonaws.com'], federated: ['x'], canonicalUser: ['abc'] });
    expect(doc.statements[2]?.notPrincipal).toEqual({ aws: ['arn:aws:iam::1:root'] });
  });

  it('normalises conditions: qualifiers, IfExists, scalar/array/boolean/number values', () => {
    const doc = decodePolicy({
      Statement: {
        Effect: 'Allow',
        Action: '*',
        Resource: '*',
        Condition: {
          'ForAnyValue:StringLikeIfExists': { 'aws:TagKeys': ['a*', 'b'] },
          Bool: { 'aws:SecureTransport': true },
          NumericLessThan: { 'aws:MultiFactorAuthAge': 3600 },
        },
      },
    });
    expect(doc.statements[0]?.conditions).toEqual([
      { operator: 'StringLike', key: 'aws:TagKeys', values: ['a*', 'b'], ifExists: true, setQualifier: 'ForAnyValue' },
      { operator: 'Bool', key: 'aws:SecureTransport', values: ['true'], ifExists: false, setQualifier: undefined },
      { operator: 'NumericLessThan', key: 'aws:MultiFactorAuthAge', values: ['3600'], ifExists: false, setQualifier: undefined },
    ]);
  });

  it('numbers statements by position', () => {
    const doc = decodePolicy({ Statement: [{ Effect: 'Allow', Action: 'a:b' }, { Effect: 'Deny', Action: 'a:c' }] });
    expect(doc.statements.map((s) => s.index)).toEqual([0, 1]);
  });
});

describe('decodePolicy: validation', () => {
  const invalid: readonly [string, unknown, RegExp][] = [
    ['invalid JSON', '{"Statement": [', /not valid JSON/],
    ['invalid URL encoding', '%E0%A4%A', /URL-encoded/],
    ['not an object', '[1,2]', /JSON object/],
    ['a number', 42, /JSON object/],
    ['null', null, /JSON object/],
    ['missing Statement', { Version: '2012-10-17' }, /no Statement/],
    ['bad Version', { Version: '2020-01-01', Statement: [] }, /Version/],
    ['statement not an object', { Statement: ['x'] }, /Statement\[0\] must be an object/],
    ['missing Effect', { Statement: [{ Action: 's3:*' }] }, /no Effect/],
    ['lowercase Effect', { Statement: [{ Effect: 'allow', Action: 's3:*' }] }, /Effect/],
    ['both Action and NotAction', { Statement: [{ Effect: 'Allow', Action: 'a:b', NotAction: 'a:c' }] }, /both Action and NotAction/],
    ['neither Action nor NotAction', { Statement: [{ Effect: 'Allow', Resource: '*' }] }, /neither Action nor NotAction/],
    ['both Resource and NotResource', { Statement: [{ Effect: 'Allow', Action: 'a:b', Resource: '*', NotResource: '*' }] }, /both Resource and NotResource/],
    ['both Principal and NotPrincipal', { Statement: [{ Effect: 'Allow', Action: 'a:b', Principal: '*', NotPrincipal: '*' }] }, /both Principal and NotPrincipal/],
    ['Action of wrong type', { Statement: [{ Effect: 'Allow', Action: 5 }] }, /Action must be a string/],
    ['Action array with a number', { Statement: [{ Effect: 'Allow', Action: ['a:b', 1] }] }, /Action must be a string/],
    ['empty Action array', { Statement: [{ Effect: 'Allow', Action: [] }] }, /must not be empty/],
    ['empty Action string', { Statement: [{ Effect: 'Allow', Action: '' }] }, /Action must be a string/],
    ['Resource object', { Statement: [{ Effect: 'Allow', Action: 'a:b', Resource: { x: 1 } }] }, /Resource must be a string/],
    ['Sid not a string', { Statement: [{ Sid: 1, Effect: 'Allow', Action: 'a:b' }] }, /Sid must be a string/],
    ['unknown statement element', { Statement: [{ Effect: 'Allow', Action: 'a:b', Foo: 1 }] }, /unknown element/],
    ['Principal string other than *', { Statement: [{ Effect: 'Allow', Action: 'a:b', Principal: 'me' }] }, /Principal must be/],
    ['unknown principal type', { Statement: [{ Effect: 'Allow', Action: 'a:b', Principal: { Robot: 'x' } }] }, /unknown principal type/],
    ['inherited property name as principal type', { Statement: [{ Effect: 'Allow', Action: 'a:b', Principal: { constructor: 'x' } }] }, /unknown principal type/],
    ['empty principal object', { Statement: [{ Effect: 'Allow', Action: 'a:b', Principal: {} }] }, /at least one principal/],
    ['Condition not an object', { Statement: [{ Effect: 'Allow', Action: 'a:b', Condition: 'x' }] }, /Condition must be an object/],
    ['condition operator block not an object', { Statement: [{ Effect: 'Allow', Action: 'a:b', Condition: { StringEquals: 'x' } }] }, /map keys to values/],
    ['condition value object', { Statement: [{ Effect: 'Allow', Action: 'a:b', Condition: { StringEquals: { k: { a: 1 } } } }] }, /condition values/],
    ['unknown set qualifier', { Statement: [{ Effect: 'Allow', Action: 'a:b', Condition: { 'ForSome:StringEquals': { k: 'v' } } }] }, /set operator/],
    ['too large', 'x'.repeat(1_000_001), /too large/],
  ];
  it.each(invalid)('%s', (_name, input, reason) => {
    expect(() => decodePolicy(input)).toThrow(InvalidPolicyError);
    expect(() => decodePolicy(input)).toThrow(reason);
  });

  it('errors are typed: InvalidPolicyError < PolicyError < InvalidInputError, not retryable', () => {
    const result = tryDecodePolicy('nope{');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toBeInstanceOf(PolicyError);
    expect(result.error).toBeInstanceOf(InvalidInputError);
    expect(result.error.name).toBe('InvalidPolicyError');
    expect(result.error.retryable).toBe(false);
  });

  it('never echoes the document in its message', () => {
    const secretish = JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 'AKIASECRETVALUE' , Resource: 7 }] });
    const result = tryDecodePolicy(secretish);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.message).not.toContain('AKIASECRETVALUE');
  });
});

describe('decodePolicy: properties', () => {
  const onlyPolicyErrors = (input: unknown): void => {
    try {
      decodePolicy(input);
    } catch (error) {
      expect(error).toBeInstanceOf(PolicyError);
    }
  };

  it('throws nothing but PolicyError on arbitrary values', () => {
    fc.assert(fc.property(fc.anything({ withObjectString: true, withNullPrototype: true }), onlyPolicyErrors), { numRuns: 500 });
  });

  it('throws nothing but PolicyError on arbitrary strings (and their URL encoding)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        onlyPolicyErrors(s);
        onlyPolicyErrors(encodeURIComponent(s));
      }),
      { numRuns: 500 },
    );
  });

  const scalarOrArray = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | T[]> => fc.oneof(arb, fc.array(arb, { maxLength: 3 }));
  const statementLike = fc.record(
    {
      Sid: fc.oneof(fc.string(), fc.integer()),
      Effect: fc.constantFrom('Allow', 'Deny', 'allow', 1),
      Action: scalarOrArray(fc.oneof(fc.string(), fc.integer(), fc.constant(null))),
      NotAction: scalarOrArray(fc.string()),
      Resource: scalarOrArray(fc.oneof(fc.string(), fc.boolean())),
      Principal: fc.oneof(fc.constant('*'), fc.dictionary(fc.constantFrom('AWS', 'Service', 'Federated', 'Other'), scalarOrArray(fc.string()))),
      Condition: fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.dictionary(fc.string(), scalarOrArray(fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.object()))))),
    },
    { requiredKeys: [] },
  );

  it('throws nothing but PolicyError on policy-shaped values, in every encoding', () => {
    fc.assert(
      fc.property(fc.record({ Version: fc.constantFrom('2012-10-17', '2008-10-17', 'x'), Statement: scalarOrArray(statementLike) }, { requiredKeys: [] }), (doc) => {
        onlyPolicyErrors(doc);
        onlyPolicyErrors(JSON.stringify(doc));
        onlyPolicyErrors(encodeURIComponent(JSON.stringify(doc)));
      }),
      { numRuns: 500 },
    );
  });

  it('decodes valid documents the same from every form', () => {
    const valid = fc.record({
      Effect: fc.constantFrom('Allow', 'Deny'),
      Action: scalarOrArray(fc.stringMatching(/^[a-z0-9-]{1,8}:[A-Za-z*?]{1,10}$/)).filter((a) => !Array.isArray(a) || a.length > 0),
      Resource: fc.constantFrom('*', 'arn:aws:s3:::b/*', ['arn:aws:iam::1:role/x', '*']),
    });
    fc.assert(
      fc.property(fc.array(valid, { maxLength: 4 }), (statements) => {
        const doc = { Version: '2012-10-17', Statement: statements };
        const parsed = decodePolicy(doc);
        expect(decodePolicy(JSON.stringify(doc))).toEqual(parsed);
        expect(decodePolicy(encodeURIComponent(JSON.stringify(doc)))).toEqual(parsed);
      }),
      { numRuns: 200 },
    );
  });
});
