import type { Severity } from '../findings/finding';

/** One exposure rule: stable id, severity and the words a finding uses. */
export interface ExposureRule {
  readonly id: string;
  readonly severity: Severity;
  readonly why: string;
}

/**
 * The exposure classes of DESIGN.md §3.3 with their severities. A function-level public-access
 * block silences the public classes (invoke, URL, any-account URL), not cross-account grants or
 * unscoped service principals, which the block does not treat as public either.
 */
export const exposureRules = {
  publicInvoke: {
    id: 'lambda-public-invoke',
    severity: 'critical',
    why: 'Anyone on the internet with AWS credentials of any account can invoke the function directly: the statement names Principal "*" and no condition restricts who the caller is.',
  },
  publicUrl: {
    id: 'lambda-public-url',
    severity: 'high',
    why: 'The function URL needs no authentication (AuthType NONE) and the resource policy lets anyone call it: the function is an open HTTPS endpoint.',
  },
  latentPublicUrl: {
    id: 'lambda-latent-public-url',
    severity: 'medium',
    why: 'The function URL needs no authentication (AuthType NONE); one public statement in the resource policy (added by a console click or a template) makes it an open HTTPS endpoint.',
  },
  anyAccountUrl: {
    id: 'lambda-any-account-url',
    severity: 'medium',
    why: 'The function URL uses AWS_IAM, but the resource policy grants lambda:InvokeFunctionUrl to "*": any IAM principal of any AWS account may call it with its own signed requests.',
  },
  crossAccount: {
    id: 'lambda-cross-account',
    severity: 'medium',
    why: 'The resource policy grants access to an AWS account that is not this account nor one it trusts.',
  },
  confusedDeputy: {
    id: 'lambda-confused-deputy',
    severity: 'high',
    why: 'An AWS service may invoke the function without aws:SourceArn or aws:SourceAccount, so a resource of any customer (an S3 bucket, an SNS topic, an EventBridge rule) can be pointed at it: the confused-deputy problem.',
  },
} as const satisfies Record<string, ExposureRule>;

/** Every exposure rule id with its severity (for the detector registry and docs). */
export const exposureRuleSeverities: Readonly<Record<string, Severity>> = Object.fromEntries(
  Object.values(exposureRules).map((rule) => [rule.id, rule.severity]),
);
