import { allActions } from '../domain/policy';
import { pick } from './measure';

/**
 * Deterministic generators of realistic IAM and Lambda inputs for the throughput figures: the
 * statement shapes found in real accounts (named actions, service wildcards, prefixes, NotAction,
 * scoped and `*` resources, conditions, Denies), seeded so every run measures the same inputs.
 */

export const ACCOUNT = '111122223333';
const FOREIGN = '444455556666';
const ORG = 'o-abcd123456';

type Random = () => number;
type Json = Record<string, unknown>;

function some<T>(random: Random, items: () => T, min: number, max: number): T[] {
  const count = min + Math.floor(random() * (max - min + 1));
  return Array.from({ length: count }, items);
}

/** How often each broad shape appears; `typical` follows what real accounts mostly hold. */
export interface Breadth {
  /** Share of action patterns that are `*`. */
  readonly star: number;
  /** Share that are `service:*`. */
  readonly serviceWildcard: number;
  /** Share that are a prefix (`s3:Get*`). */
  readonly prefix: number;
  /** Share of statements written with NotAction. */
  readonly notAction: number;
}

export const TYPICAL: Breadth = { star: 0.002, serviceWildcard: 0.05, prefix: 0.1, notAction: 0.002 };
export const BROAD: Breadth = { star: 0.02, serviceWildcard: 0.2, prefix: 0.2, notAction: 0.04 };

function actionPattern(random: Random, breadth: Breadth): string {
  const roll = random();
  if (roll < breadth.star) return '*';
  const action = pick(random, allActions());
  if (roll < breadth.star + breadth.serviceWildcard) return `${action.split(':')[0] ?? 's3'}:*`;
  if (roll < breadth.star + breadth.serviceWildcard + breadth.prefix) {
    const [service, name = 'Get'] = action.split(':');
    return `${service ?? 's3'}:${name.slice(0, 3)}*`;
  }
  return action;
}

function resource(random: Random): string {
  const roll = random();
  if (roll < 0.3) return '*';
  if (roll < 0.5) return `arn:aws:s3:::bucket-${Math.floor(random() * 50)}/*`;
  if (roll < 0.65) return `arn:aws:iam::${ACCOUNT}:role/app-${Math.floor(random() * 20)}`;
  if (roll < 0.75) return `arn:aws:iam::${ACCOUNT}:role/*`;
  if (roll < 0.9) return `arn:aws:lambda:us-east-1:${ACCOUNT}:function:fn-${Math.floor(random() * 30)}`;
  return `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/t-${Math.floor(random() * 10)}`;
}

function condition(random: Random): Json | undefined {
  const roll = random();
  if (roll < 0.75) return undefined;
  if (roll < 0.85) return { StringEquals: { 'aws:RequestedRegion': 'us-east-1' } };
  if (roll < 0.92) return { StringEquals: { 'iam:PassedToService': 'lambda.amazonaws.com' } };
  return { Bool: { 'aws:MultiFactorAuthPresent': 'true' } };
}

function identityStatement(random: Random, index: number, breadth: Breadth): Json {
  const notAction = random() < breadth.notAction;
  const actions = some(random, () => actionPattern(random, breadth), 1, 6);
  const statement: Json = {
    Sid: `S${index}`,
    Effect: random() < 0.1 ? 'Deny' : 'Allow',
    [notAction ? 'NotAction' : 'Action']: actions.length === 1 ? actions[0] : actions,
    Resource: some(random, () => resource(random), 1, 3),
  };
  const c = condition(random);
  return c === undefined ? statement : { ...statement, Condition: c };
}

/** A raw identity policy document (as IAM returns it, before decoding). */
export function identityPolicy(random: Random, breadth: Breadth = TYPICAL): Json {
  return { Version: '2012-10-17', Statement: some(random, () => 0, 1, 4).map((_, i) => identityStatement(random, i, breadth)) };
}

/** A raw trust policy: mostly sound, sometimes open, cross-account or OIDC without `sub`. */
export function trustPolicy(random: Random): Json {
  const roll = random();
  const base = { Effect: 'Allow', Action: 'sts:AssumeRole' };
  if (roll < 0.5) return { Version: '2012-10-17', Statement: [{ ...base, Principal: { Service: 'lambda.amazonaws.com' } }] };
  if (roll < 0.7) return { Version: '2012-10-17', Statement: [{ ...base, Principal: { AWS: `arn:aws:iam::${FOREIGN}:root` } }] };
  if (roll < 0.8) return { Version: '2012-10-17', Statement: [{ ...base, Principal: { AWS: '*' }, Condition: { StringEquals: { 'aws:PrincipalOrgID': ORG } } }] };
  if (roll < 0.9) return { Version: '2012-10-17', Statement: [{ ...base, Principal: { AWS: '*' }, Condition: { StringEquals: { 'sts:ExternalId': 'x' } } }] };
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: 'sts:AssumeRoleWithWebIdentity',
        Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com` },
        Condition: { StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' } },
      },
    ],
  };
}

/** A raw principal: `policies` documents (inline or managed) and, for roles, a trust policy. */
export interface RawPrincipal {
  readonly kind: 'role' | 'user';
  readonly arn: string;
  readonly policies: readonly { readonly name: string; readonly source: 'inline' | 'managed'; readonly arn?: string; readonly document: string }[];
  readonly trustPolicy?: string;
}

/** A principal with `policyCount` policies, documents as JSON strings (as the readers return them). */
export function principal(random: Random, index: number, policyCount: number, breadth: Breadth = TYPICAL): RawPrincipal {
  const kind = random() < 0.8 ? 'role' : 'user';
  const policies = Array.from({ length: policyCount }, (_, i) => {
    const managed = random() < 0.4;
    const name = `p${index}-${i}`;
    return managed
      ? { name, source: 'managed' as const, arn: `arn:aws:iam::${ACCOUNT}:policy/${name}`, document: JSON.stringify(identityPolicy(random, breadth)) }
      : { name, source: 'inline' as const, document: JSON.stringify(identityPolicy(random, breadth)) };
  });
  const arn = `arn:aws:iam::${ACCOUNT}:${kind}/principal-${index}`;
  return kind === 'role' ? { kind, arn, policies, trustPolicy: JSON.stringify(trustPolicy(random)) } : { kind, arn, policies };
}

function lambdaStatement(random: Random, functionArn: string, index: number): Json {
  const roll = random();
  const base = { Sid: `s${index}`, Effect: 'Allow', Resource: functionArn };
  if (roll < 0.2) return { ...base, Principal: '*', Action: 'lambda:InvokeFunction' };
  if (roll < 0.35) return { ...base, Principal: '*', Action: 'lambda:InvokeFunctionUrl', Condition: { StringEquals: { 'lambda:FunctionUrlAuthType': 'NONE' } } };
  if (roll < 0.5) return { ...base, Principal: { Service: 's3.amazonaws.com' }, Action: 'lambda:InvokeFunction' };
  if (roll < 0.65) {
    return { ...base, Principal: { Service: 'events.amazonaws.com' }, Action: 'lambda:InvokeFunction', Condition: { ArnLike: { 'AWS:SourceArn': `arn:aws:events:us-east-1:${ACCOUNT}:rule/r` } } };
  }
  if (roll < 0.8) return { ...base, Principal: { AWS: `arn:aws:iam::${FOREIGN}:root` }, Action: 'lambda:InvokeFunction' };
  return { ...base, Principal: '*', Action: 'lambda:InvokeFunction', Condition: { StringEquals: { 'aws:PrincipalOrgID': ORG } } };
}

/** One function's exposure input: URL configs of `$LATEST` and an alias, policies of the function and the alias. */
export function exposureInput(random: Random, index: number) {
  const functionArn = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:fn-${index}`;
  const policyOf = (arn: string) => JSON.stringify({ Version: '2012-10-17', Id: 'default', Statement: some(random, () => 0, 1, 4).map((_, i) => lambdaStatement(random, arn, i)) });
  const auth = (): 'NONE' | 'AWS_IAM' => (random() < 0.5 ? 'NONE' : 'AWS_IAM');
  const urlConfigs =
    random() < 0.6
      ? [
          { functionUrl: `https://u${index}.lambda-url.us-east-1.on.aws/`, functionArn, authType: auth() },
          { functionUrl: `https://a${index}.lambda-url.us-east-1.on.aws/`, functionArn: `${functionArn}:live`, authType: auth() },
        ]
      : [];
  return {
    functionArn,
    accountId: ACCOUNT,
    urlConfigs,
    policies: [
      { policy: random() < 0.9 ? policyOf(functionArn) : undefined },
      { qualifier: 'live', policy: policyOf(`${functionArn}:live`) },
    ],
    orgId: ORG,
  };
}
