import type { AwsManagedPolicyLibrary } from '../ports';
import { assertFingerprintKey } from '../secrets/fingerprint';
import { scanIam } from './iam-scan';
import { iamModel } from './iam-model';
import { lambdaModel } from './lambda-model';
import { scanFunctions } from './lambda-scan';
import { parseTemplate } from './template';
import type { TemplateScan, TemplateScanOptions } from './types';

/**
 * Scans a CloudFormation, SAM or `serverless package` template before it is deployed (DESIGN.md
 * §7 `scan-template`): every IAM principal with all the policies that apply to it, managed policies
 * on their own, function environments, URLs and permissions, with the same analyzers the
 * detectors use. Each finding points at the logical id and property path. Pure apart from the
 * injected AWS-managed policy library.
 * @throws InvalidTemplateError when the value is not a template; invalid policies inside one give
 * `error` results instead and the scan continues.
 */
export async function scanTemplate(raw: unknown, options: TemplateScanOptions, library: AwsManagedPolicyLibrary): Promise<TemplateScan> {
  assertFingerprintKey(options.fingerprintKey);
  const template = parseTemplate(raw, {
    partition: options.partition ?? 'aws',
    accountId: options.accountId ?? '{AccountId}',
    region: options.region ?? '{Region}',
  });
  const iam = await scanIam({ template, options, library, model: iamModel(template) });
  const lambda = scanFunctions(lambdaModel(template), template.ctx, options);
  return { results: [...iam, ...lambda], resourceCount: template.resources.length };
}
