import { ConfigError } from '../../../domain/errors';
import { configFromEnv } from '../../../infra/config/load-config';

describe('configFromEnv (the Lambdas read the stage parameters from their environment)', () => {
  it('reads every setting, JSON ones included', () => {
    const config = configFromEnv({
      WARDEN_MODE: 'enforce',
      WARDEN_RULE_MODES: '{"lambda-public-url":"notify"}',
      WARDEN_PROTECTED_PRINCIPALS: 'arn:aws:iam::*:role/break-glass, arn:aws:iam::*:role/OrganizationAccountAccessRole',
      WARDEN_EXEMPTIONS: '[{"resource":"arn:aws:iam::*:role/legacy-*","ruleId":"iam-service-wildcard","reason":"migration","expires":"2027-01-31"}]',
      WARDEN_QUARANTINE: '{"style":"deny-all","revokeSessions":true}',
      WARDEN_CIRCUIT_BREAKER: '{"maxActions":3,"windowMinutes":10}',
      WARDEN_SECRETS: '{"killSwitch":true}',
    });
    expect(config).toMatchObject({
      mode: 'enforce',
      ruleModes: { 'lambda-public-url': 'notify' },
      protectedPrincipals: ['arn:aws:iam::*:role/break-glass', 'arn:aws:iam::*:role/OrganizationAccountAccessRole'],
      exemptions: [{ resource: 'arn:aws:iam::*:role/legacy-*', ruleId: 'iam-service-wildcard', reason: 'migration', expires: '2027-01-31' }],
      quarantine: { style: 'deny-all', revokeSessions: true },
      circuitBreaker: { maxActions: 3, windowMinutes: 10 },
      secrets: { killSwitch: true },
    });
  });

  it('empty or absent settings take the defaults', () => {
    expect(configFromEnv({ WARDEN_EXEMPTIONS: ' ', WARDEN_QUARANTINE: '' })).toMatchObject({ mode: 'notify', exemptions: [], quarantine: { style: 'surgical', revokeSessions: false } });
  });

  it.each([
    ['WARDEN_SECRETS', '{killSwitch: true}', /WARDEN_SECRETS is not valid JSON/],
    ['WARDEN_QUARANTINE', '{"style":"everything"}', /quarantine/],
    ['WARDEN_EXEMPTIONS', '[{"resource":"*"}]', /exemptions/],
  ])('fails closed on a bad %s', (name, value, message) => {
    expect(() => configFromEnv({ [name]: value })).toThrow(ConfigError);
    expect(() => configFromEnv({ [name]: value })).toThrow(message);
  });
});
