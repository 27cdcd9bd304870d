import {
  accessLevel,
  actionIndex,
  actionsOfService,
  allActions,
  IAM_DATA_UPDATED_AT,
  IAM_DATA_VERSION,
  isKnownAction,
  isWildcardOnly,
  resourceGlobsAt,
  services,
} from '../../../domain/policy/catalogue';
import { CREDENTIAL_ACTIONS, DATA_READ_ACTIONS, DEFENSE_EVASION_ACTIONS, SECRET_READ_ACTIONS, SELF_ESCALATION_ACTIONS, BOUNDARY_LIFT_ACTIONS, POLICY_VERSION_ACTIONS } from '../../../domain/policy/action-lists';
import { PRIVESC_COMBINATIONS } from '../../../domain/policy/privesc';
import { expandActionPattern } from '../../../domain/policy/action-patterns';

describe('catalogue', () => {
  it('records the data version and date', () => {
    expect(IAM_DATA_VERSION).toMatch(/^\d+\.\d+\.\d{9}$/);
    expect(Number.isNaN(Date.parse(IAM_DATA_UPDATED_AT))).toBe(false);
  });

  it('holds tens of thousands of actions over hundreds of services, without duplicates', () => {
    expect(allActions().length).toBeGreaterThan(15_000);
    expect(services().length).toBeGreaterThan(300);
    expect(new Set(allActions().map((a) => a.toLowerCase())).size).toBe(allActions().length);
  });

  const lookups: readonly [string, boolean, string | undefined, boolean | undefined][] = [
    ['iam:PassRole', true, 'Write', false],
    ['IAM:passrole', true, 'Write', false],
    ['iam:AttachRolePolicy', true, 'Permissions management', false],
    ['iam:TagRole', true, 'Tagging', false],
    ['iam:ListRoles', true, 'List', true],
    ['s3:GetObject', true, 'Read', false],
    ['s3:ListAllMyBuckets', true, 'List', true],
    ['sts:GetCallerIdentity', true, 'Read', true],
    ['iam:NoSuchAction', false, undefined, undefined],
    ['nosuchservice:Get', false, undefined, undefined],
    ['iam:*', false, undefined, undefined],
  ];
  it.each(lookups)('%s: known=%s level=%s wildcardOnly=%s', (action, known, level, wildcardOnly) => {
    expect(isKnownAction(action)).toBe(known);
    expect(accessLevel(action)).toBe(level);
    expect(isWildcardOnly(action)).toBe(wildcardOnly);
  });

  it('lists a service case-insensitively, in AWS spelling', () => {
    expect(actionsOfService('STS')).toContain('sts:AssumeRole');
    expect(actionsOfService('nosuch')).toEqual([]);
  });

  it('keeps resource types as ARN globs: the required ones when any are marked', () => {
    expect(resourceGlobsAt(actionIndex('iam:PassRole') ?? -1)).toEqual(['arn:*:iam::*:role/*']);
    const run = resourceGlobsAt(actionIndex('ec2:RunInstances') ?? -1);
    expect(run.length).toBeGreaterThan(3);
    expect(run).not.toContain('arn:*:ec2:*:*:volume/*');
    expect(run).toContain('arn:*:ec2:*:*:instance/*');
  });
});

describe('shipped action lists', () => {
  const lists = { CREDENTIAL_ACTIONS, DATA_READ_ACTIONS, DEFENSE_EVASION_ACTIONS, SECRET_READ_ACTIONS, POLICY_VERSION_ACTIONS, ...SELF_ESCALATION_ACTIONS, ...BOUNDARY_LIFT_ACTIONS };
  it.each(Object.entries(lists))('%s names only catalogue actions, lowercase', (_name, list) => {
    expect(list.filter((a) => !isKnownAction(a) || a !== a.toLowerCase())).toEqual([]);
  });
});

describe('privilege-escalation data', () => {
  it('has 116 combinations with unique ids and names', () => {
    expect(PRIVESC_COMBINATIONS).toHaveLength(116);
    expect(new Set(PRIVESC_COMBINATIONS.map((c) => c.id)).size).toBe(116);
    expect(PRIVESC_COMBINATIONS.every((c) => c.name.length > 0)).toBe(true);
  });

  it('passRole combinations include iam:passrole', () => {
    expect(PRIVESC_COMBINATIONS.filter((c) => c.passRole && !c.actions.includes('iam:passrole'))).toEqual([]);
  });

  it('reports which combination actions the catalogue does not know (matched through future-action specs)', () => {
    const unknown = PRIVESC_COMBINATIONS.flatMap((c) => c.actions).filter((a) => expandActionPattern(a).matched === 0);
    // Deprecated services (codestar) may disappear from the catalogue; everything else must resolve.
    expect(unknown.filter((a) => !a.startsWith('codestar:'))).toEqual([]);
  });
});
