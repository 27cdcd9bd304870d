import { defaultConfig } from '../../../domain/config';
import { withinDeployment } from '../../../infra/deps/remediate';

describe('WARDEN_ENFORCEMENT (stage parameter enforcement)', () => {
  const enforcing = { ...defaultConfig, mode: 'enforce' as const, ruleModes: { 'iam-admin-equivalent': 'enforce' as const, 'lambda-public-url': 'off' as const } };

  it('disabled: a deployment without write permissions lowers every mode to notify, never raises off', () => {
    const config = withinDeployment(enforcing, { WARDEN_ENFORCEMENT: 'disabled' });
    expect(config.mode).toBe('notify');
    expect(config.ruleModes).toEqual({ 'iam-admin-equivalent': 'notify', 'lambda-public-url': 'off' });
  });

  it('enabled (or unset, as in tests and older stacks): the configured modes stand', () => {
    expect(withinDeployment(enforcing, { WARDEN_ENFORCEMENT: 'enabled' })).toEqual(enforcing);
    expect(withinDeployment(enforcing, {})).toEqual(enforcing);
  });
});
