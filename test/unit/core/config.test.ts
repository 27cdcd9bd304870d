import { defaultConfig, parseConfig } from '../../../domain/config';
import { ConfigError } from '../../../domain/errors';

describe('parseConfig', () => {
  it('defaults to notify with nothing protected or exempt', () => {
    expect(defaultConfig).toMatchObject({ mode: 'notify', ruleModes: {}, protectedPrincipals: [], exemptions: [], quarantine: { style: 'surgical', revokeSessions: false } });
  });

  it('accepts per-rule modes and exemptions with reason and expiry', () => {
    const config = parseConfig({ mode: 'enforce', ruleModes: { 'lambda-public-url': 'notify' }, exemptions: [{ resource: 'arn:aws:iam::*:role/legacy-*', reason: 'migration', expires: '2027-01-31' }] });
    expect(config.ruleModes).toEqual({ 'lambda-public-url': 'notify' });
    expect(config.exemptions).toHaveLength(1);
  });

  it.each([
    [{ mode: 'enforce-all' }, /mode/],
    [{ ruleModes: { x: 'maybe' } }, /ruleModes\.x/],
    [{ exemptions: [{ resource: 'arn', reason: 'r', expires: 'soon' }] }, /expires must be an ISO date/],
    [{ exemptions: [{ resource: 'arn', expires: '2027-01-01' }] }, /reason/],
    [{ quarantine: { style: 'gentle' } }, /quarantine\.style/],
    [{ circuitBreaker: { maxActions: 0 } }, /circuitBreaker\.maxActions/],
    [{ modee: 'notify' }, /Unrecognized key/],
    ['notify', /Expected object/],
  ])('fails closed on %j', (raw, message) => {
    expect(() => parseConfig(raw)).toThrow(ConfigError);
    expect(() => parseConfig(raw)).toThrow(message);
  });
});
