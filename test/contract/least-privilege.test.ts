/**
 * Warden practises what it enforces: each function's role in the packaged template grants exactly
 * the actions its code calls (as the adapters declare them) plus what the platform needs.
 */
import { functionActions, platformActions } from '../../infra/deps/function-actions';
import { functionLogicalId, functionRoles, missingPermissions, unusedPermissions, type CfnTemplate } from './checks';
import { loadPackagedTemplate } from './template';

let template: CfnTemplate;

beforeAll(() => {
  template = loadPackagedTemplate();
}, 11 * 60 * 1000);

describe.each(Object.entries(functionActions))('%s role', (fn, actions) => {
  const used = [...actions, ...platformActions];
  const roleOf = (): string => functionRoles(template).get(functionLogicalId(fn)) ?? `no role for ${fn}`;

  it('grants every action the code calls', () => {
    expect(missingPermissions(template, roleOf(), used)).toEqual([]);
  });

  it('grants nothing the code does not call', () => {
    expect(unusedPermissions(template, roleOf(), used)).toEqual([]);
  });
});
