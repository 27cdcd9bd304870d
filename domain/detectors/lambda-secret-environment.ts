import type { Change } from '../events';
import type { Finding } from '../findings';
import type { FunctionConfigurationState, StateReaders } from '../ports';
import { scanEnvironment, type EnvironmentScan, type SecretMatch } from '../secrets';
import type { Detector, Loaded } from './detector';
import { toFinding, triggerOf } from './finding-factory';
import { functionSubject, functionTargetOf, lambdaTriggerKeys, publishedVersions, readLatest, type FunctionTarget } from './lambda/function-target';

/** The scan of one function configuration (`$LATEST` or a published version). */
export interface VersionScan {
  readonly version: string;
  readonly scan: EnvironmentScan;
}

/**
 * What the detector evaluates: redacted scans only. The values are scanned while loading and
 * dropped there, so the state that travels on holds variable names, rules and fingerprints, never
 * a value.
 */
export interface SecretEnvironmentState {
  readonly target: FunctionTarget;
  readonly scans: readonly VersionScan[];
  /** Reserved concurrency now (the kill switch's undo restores it); undefined when none is set. */
  readonly reservedConcurrency?: number;
}

/** One secret as reported: the same value in several versions is one finding. */
interface GroupedMatch {
  readonly match: SecretMatch;
  readonly versions: string[];
}

const metadata = {
  id: 'lambda-secret-environment',
  title: 'Plaintext secret in Lambda environment variables',
  category: 'secrets',
  severity: 'critical',
  risk: 'Environment variables are readable by anyone with lambda:GetFunctionConfiguration, copied into every published version, shown in the console and often in deployment logs: a secret there is not a secret.',
  fix: 'Move the value to Secrets Manager or an SSM SecureString, read it at run time (or through the Parameters and Secrets extension), rotate the exposed secret, and republish the versions that hold it.',
} as const;

/**
 * Plaintext secrets in the environment of a function's `$LATEST` and every published version
 * (DESIGN.md §3.2). CloudTrail hides environment values, so without a Lambda reader the answer is
 * `unresolved`; an environment Lambda could not decrypt (`Environment.Error`) is never clean.
 */
export const lambdaSecretEnvironment: Detector<SecretEnvironmentState> = {
  metadata,
  runsIn: 'detectLambda',
  trigger: { source: 'aws.lambda', eventNames: ['CreateFunction', 'UpdateFunctionConfiguration', 'PublishVersion'] },
  permissions: ['lambda:GetFunctionConfiguration', 'lambda:ListVersionsByFunction', 'lambda:GetFunctionConcurrency'],

  async load(change: Change, readers: StateReaders): Promise<Loaded<SecretEnvironmentState>> {
    const target = functionTargetOf(change);
    if (target === undefined) return { status: 'unresolved', reason: `${change.eventName} names no function` };
    const lambda = readers.lambda;
    if (lambda === undefined) return { status: 'unresolved', reason: 'CloudTrail hides environment values: the function must be read (use --snapshot or --live)' };
    if (readers.fingerprintKey === undefined) return { status: 'unresolved', reason: 'no fingerprint key configured: secrets cannot be reported' };
    const latest = await readLatest(lambda, target);
    if (latest === undefined) return { status: 'gone', reason: `function ${target.name} no longer exists in ${target.region}` };
    const [versions, reservedConcurrency, key] = await Promise.all([
      lambda.listVersions(target.region, target.name),
      lambda.getReservedConcurrency(target.region, target.name),
      readers.fingerprintKey.fingerprintKey(),
    ]);
    const configurations = [latest, ...publishedVersions(versions)];
    const scans = configurations.map((config: FunctionConfigurationState) => ({ version: config.version, scan: scanEnvironment(config.environment, { fingerprintKey: key }) }));
    const unreadable = scans.filter((entry) => entry.scan.status === 'unknown');
    const anyMatch = scans.some((entry) => entry.scan.status === 'scanned' && entry.scan.matches.length > 0);
    if (unreadable.length > 0 && !anyMatch) {
      const reason = unreadable[0]?.scan.status === 'unknown' ? unreadable[0].scan.reason : 'unreadable';
      return { status: 'unresolved', reason: `${target.name} ${unreadable.map((entry) => entry.version).join(', ')}: ${reason}` };
    }
    return { status: 'resolved', state: { target, scans, ...(reservedConcurrency === undefined ? {} : { reservedConcurrency }) } };
  },

  evaluate(change: Change, state: SecretEnvironmentState): readonly Finding[] {
    const unreadable = state.scans.filter((entry) => entry.scan.status === 'unknown').map((entry) => entry.version);
    const trigger = triggerOf(change, lambdaTriggerKeys);
    return groupMatches(state.scans).map(({ match, versions }) =>
      toFinding(
        {
          ruleId: match.ruleId,
          category: metadata.category,
          severity: match.severity,
          title: `Plaintext ${match.kind} in environment variable ${match.variable} of ${state.target.name}`,
          why: metadata.risk,
          fix: metadata.fix,
          evidence: {
            variable: match.variable,
            kind: match.kind,
            confidence: match.confidence,
            stage: match.stage,
            fingerprint: match.fingerprint,
            ...(match.location === undefined ? {} : { location: match.location }),
            version: versions,
            reservedConcurrency: state.reservedConcurrency ?? null,
            ...(unreadable.length > 0 ? { unreadableVersions: unreadable } : {}),
          },
        },
        change,
        { subject: functionSubject(state.target), trigger, key: `${match.variable}#${match.location ?? ''}#${match.fingerprint}`, evidence: { judgedFrom: 'state' } },
      ),
    );
  },
};

/** One entry per rule, variable, location and fingerprint, listing the versions that hold it. */
function groupMatches(scans: readonly VersionScan[]): GroupedMatch[] {
  const groups = new Map<string, GroupedMatch>();
  for (const { version, scan } of scans) {
    if (scan.status !== 'scanned') continue;
    for (const match of scan.matches) {
      const id = `${match.ruleId}\u0000${match.variable}\u0000${match.location ?? ''}\u0000${match.fingerprint}`;
      const group = groups.get(id);
      if (group === undefined) groups.set(id, { match, versions: [version] });
      else if (!group.versions.includes(version)) group.versions.push(version);
    }
  }
  return [...groups.values()];
}
