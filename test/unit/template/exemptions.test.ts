import { parseConfig } from '../../../domain/config';
import { applyDecisions, scanTemplate, type TemplateResourceResult } from '../../../domain/template';
import { FakeAwsManagedPolicies, role, template, TEST_KEY } from './fakes';

const ADMIN = { Effect: 'Allow', Action: '*', Resource: '*' };
const now = new Date('2026-06-01T00:00:00Z');

async function results(tags: unknown): Promise<TemplateResourceResult[]> {
  const scan = await scanTemplate(template({ App: role([ADMIN], { RoleName: 'app', Tags: tags }), Fn: { Type: 'AWS::Serverless::Function', Properties: { Role: 'arn:aws:iam::1:role/x', Tags: { 'warden:exempt': 'reason=demo endpoint expires=2026-12-31' }, FunctionUrlConfig: { AuthType: 'NONE' } } } }), { source: 't', fingerprintKey: TEST_KEY }, new FakeAwsManagedPolicies());
  return [...scan.results];
}

const byId = (rs: readonly TemplateResourceResult[], id: string) => rs.find((r) => r.logicalId === id);

describe('applyDecisions', () => {
  test('without exemptions nothing changes', async () => {
    const rs = await results([]);
    expect(byId(applyDecisions(rs, parseConfig({}), now), 'App')).toEqual(byId(rs, 'App'));
    expect(byId(rs, 'App')?.outcome).toBe('finding');
  });

  test('a valid warden:exempt tag in the template (list or SAM map form) ignores the findings and says why', async () => {
    const decided = applyDecisions(await results([{ Key: 'warden:exempt', Value: 'reason=break-glass INC-7 expires=2026-12-31' }]), parseConfig({}), now);
    expect(byId(decided, 'App')).toMatchObject({ outcome: 'ignored', findings: [] });
    expect(byId(decided, 'App')?.reason).toContain('break-glass INC-7');
    expect(byId(decided, 'Fn')).toMatchObject({ outcome: 'ignored', findings: [] });
  });

  test('an expired or malformed tag is not honoured', async () => {
    for (const value of ['reason=old expires=2026-01-01', 'no reason here']) {
      const decided = applyDecisions(await results([{ Key: 'warden:exempt', Value: value }]), parseConfig({}), now);
      expect(byId(decided, 'App')?.outcome).toBe('finding');
    }
  });

  test('a configured exemption matches the derived ARN (placeholders included) and the rule', async () => {
    const rs = await results([]);
    const exemptions = [{ resource: 'arn:aws:iam::*:role/app', ruleId: 'iam-admin-equivalent', reason: 'accepted risk', expires: '2026-12-31' }];
    const decided = applyDecisions(rs, parseConfig({ exemptions }), now);
    expect(byId(decided, 'App')?.findings.map((f) => f.ruleId)).not.toContain('iam-admin-equivalent');
    expect(byId(decided, 'App')?.reason).toContain('accepted risk');
    const otherRule = applyDecisions(rs, parseConfig({ exemptions: [{ ...exemptions[0], ruleId: 'iam-trust-public' }] }), now);
    expect(byId(otherRule, 'App')?.findings.map((f) => f.ruleId)).toContain('iam-admin-equivalent');
  });

  test('a rule turned off is ignored', async () => {
    const decided = applyDecisions(await results([]), parseConfig({ ruleModes: { 'iam-admin-equivalent': 'off' } }), now);
    expect(byId(decided, 'App')?.findings.map((f) => f.ruleId)).not.toContain('iam-admin-equivalent');
  });
});
