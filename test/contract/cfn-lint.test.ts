/**
 * cfn-lint passes on the packaged template and on the region forwarder (DESIGN.md §8). A missing
 * cfn-lint fails the test ("cfn-lint not found: install it with pip install cfn-lint"): the
 * machine image's python3 has it; CFN_LINT may name another binary. No rule is ignored.
 */
import { cfnLint, ensurePackaged, forwarderTemplatePath, templatePath } from './template';

const timeout = 11 * 60 * 1000;

describe('cfn-lint', () => {
  beforeAll(() => {
    ensurePackaged();
  }, timeout);

  it(
    'passes on the packaged template',
    () => {
      const result = cfnLint(templatePath);
      expect(result.output).toBe('');
      expect(result.ok).toBe(true);
    },
    timeout,
  );

  it(
    'passes on the region forwarder in the home region, us-east-1 and another region',
    () => {
      const result = cfnLint(forwarderTemplatePath, ['--regions', 'us-east-1', 'eu-west-1', 'ap-southeast-2']);
      expect(result.output).toBe('');
      expect(result.ok).toBe(true);
    },
    timeout,
  );
});
