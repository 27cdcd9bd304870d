import type { AwsManagedPolicyLibrary, ManagedPolicyState } from '../../domain/ports';
import { DEFAULT_ARTEFACT, loadAwsManagedPolicy } from './aws-managed-policies';

/**
 * The bundled, dated AWS-managed policy documents as a state reader port. Offline runs (event-only
 * replay, snapshots without the policy) resolve AWS-managed ARNs from it; live runs ask IAM first.
 */
export class BundledAwsManagedPolicies implements AwsManagedPolicyLibrary {
  constructor(private readonly file: string = DEFAULT_ARTEFACT) {}

  getAwsManagedPolicy(policyArn: string): Promise<ManagedPolicyState | undefined> {
    const policy = loadAwsManagedPolicy(policyArn, this.file);
    if (policy === undefined) return Promise.resolve(undefined);
    const document = JSON.stringify(policy.document);
    return Promise.resolve({
      arn: policyArn,
      name: policy.name,
      path: policy.path,
      defaultVersionId: policy.defaultVersionId,
      document,
      versions: [{ versionId: policy.defaultVersionId, isDefault: true, document }],
    });
  }
}
