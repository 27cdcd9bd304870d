import type { Finding } from './findings';
import type { TrailState } from './trail';

/**
 * Ports: the small capabilities the domain needs from the outside world, named by capability.
 * Adapters in infra/ implement them against the AWS SDK (live) or an offline snapshot.
 *
 * Conventions for every port:
 * - `undefined` means the resource does not exist (deleted meanwhile, never existed).
 * - Failures are thrown as {@link WardenError} subclasses (AccessDeniedError, ThrottledError, …);
 *   SDK error types never cross this boundary.
 * - Policy documents are returned as the service returned them (IAM read APIs URL-encode them);
 *   decoding is the domain's job (domain/policy).
 */

/** A managed policy attached to a principal. */
export interface AttachedPolicyRef {
  readonly arn: string;
  readonly name: string;
}

/** An inline policy with its raw document text. */
export interface InlinePolicy {
  readonly name: string;
  /** Raw document: JSON, URL-encoded JSON, or both. */
  readonly document: string;
  /**
   * The same document already parsed, when the source holds it parsed (a snapshot file): judging
   * it then skips a text round trip. Absent from the IAM API, which returns text.
   */
  readonly parsed?: unknown;
}

/** Fields every IAM principal has. */
interface PrincipalBase {
  readonly arn: string;
  readonly name: string;
  readonly path: string;
  readonly inlinePolicies: readonly InlinePolicy[];
  readonly attachedPolicies: readonly AttachedPolicyRef[];
}

/** An IAM role as Warden evaluates it. */
export interface RoleState extends PrincipalBase {
  readonly kind: 'role';
  /** Raw trust policy document. */
  readonly trustPolicy: string;
  /** The trust policy already parsed, when the source holds it parsed (see {@link InlinePolicy.parsed}). */
  readonly trustPolicyParsed?: unknown;
  readonly permissionsBoundaryArn?: string;
  readonly tags: Readonly<Record<string, string>>;
}

/** An IAM user as Warden evaluates it. */
export interface UserState extends PrincipalBase {
  readonly kind: 'user';
  readonly groups: readonly string[];
  readonly permissionsBoundaryArn?: string;
  readonly tags: Readonly<Record<string, string>>;
}

/** An IAM group as Warden evaluates it. */
export interface GroupState extends PrincipalBase {
  readonly kind: 'group';
}

/** One version of a managed policy. */
export interface PolicyVersionState {
  readonly versionId: string;
  readonly isDefault: boolean;
  /** Raw document; absent when the source lists versions without documents. */
  readonly document?: string;
}

/** A managed policy (customer- or AWS-managed) with its default document. */
export interface ManagedPolicyState {
  readonly arn: string;
  readonly name: string;
  readonly path: string;
  readonly defaultVersionId: string;
  /** Raw document of the default version. */
  readonly document: string;
  readonly versions: readonly PolicyVersionState[];
  readonly attachmentCount?: number;
}

/** Reads the IAM state a detector needs; live (SDK) or offline (snapshot). */
export interface IamReader {
  getRole(roleName: string): Promise<RoleState | undefined>;
  getUser(userName: string): Promise<UserState | undefined>;
  getGroup(groupName: string): Promise<GroupState | undefined>;
  getManagedPolicy(policyArn: string): Promise<ManagedPolicyState | undefined>;
  /** A specific version's raw document. */
  getPolicyVersion(policyArn: string, versionId: string): Promise<string | undefined>;
}

/** `Environment` of a function configuration: values, or the error that hides them. */
export interface FunctionEnvironment {
  readonly variables?: Readonly<Record<string, string>>;
  /** Set when Lambda could not decrypt the variables (KMS): the scan is `unknown`, never clean. */
  readonly error?: { readonly errorCode: string; readonly message: string };
}

/** One function configuration ($LATEST or a published version). */
export interface FunctionConfigurationState {
  readonly functionArn: string;
  readonly functionName: string;
  /** `$LATEST` or a version number. */
  readonly version: string;
  readonly region: string;
  readonly environment?: FunctionEnvironment;
  readonly role?: string;
  readonly revisionId?: string;
}

/** A function alias. */
export interface AliasState {
  readonly name: string;
  readonly aliasArn: string;
  readonly functionVersion: string;
}

/** A function URL configuration. */
export interface FunctionUrlState {
  readonly functionUrl: string;
  readonly functionArn: string;
  readonly authType: 'NONE' | 'AWS_IAM';
  readonly cors?: unknown;
  readonly invokeMode?: string;
}

/** Reads Lambda state; live (SDK) or offline (snapshot). `region` is always explicit. */
export interface LambdaReader {
  getFunction(region: string, functionName: string): Promise<FunctionConfigurationState | undefined>;
  listVersions(region: string, functionName: string): Promise<readonly FunctionConfigurationState[]>;
  listAliases(region: string, functionName: string): Promise<readonly AliasState[]>;
  /** Raw resource-based policy of the function or one qualifier; undefined when it has none. */
  getPolicy(region: string, functionName: string, qualifier?: string): Promise<string | undefined>;
  listUrlConfigs(region: string, functionName: string): Promise<readonly FunctionUrlState[]>;
  /** Reserved concurrency; undefined when none is set. */
  getReservedConcurrency(region: string, functionName: string): Promise<number | undefined>;
  getTags(region: string, functionArn: string): Promise<Readonly<Record<string, string>>>;
}

/**
 * The documents of AWS-managed policies from a bundled, dated copy: lets Warden judge an
 * attachment of an AWS-managed ARN offline, where IAM cannot be asked.
 */
export interface AwsManagedPolicyLibrary {
  getAwsManagedPolicy(policyArn: string): Promise<ManagedPolicyState | undefined>;
}

/**
 * The per-deployment key of secret fingerprints (DESIGN.md §3.2): read once per container (a
 * Secrets Manager secret live, a local key file in the CLI) and never logged or emitted.
 */
export interface FingerprintKeySource {
  fingerprintKey(): Promise<string | Uint8Array>;
}

/** The state sources available to a run. Absent readers mean "judge what the event carries". */
export interface StateReaders {
  readonly iam?: IamReader;
  readonly lambda?: LambdaReader;
  /** Needed to report secrets in function environments; without it that scan is `unresolved`. */
  readonly fingerprintKey?: FingerprintKeySource;
  /** Fallback for AWS-managed policy documents when `iam` is absent or does not know them. */
  readonly awsManaged?: AwsManagedPolicyLibrary;
}

/** Publishes findings to Warden's bus (or collects them, offline). */
export interface FindingPublisher {
  publish(findings: readonly Finding[]): Promise<void>;
}

/** Lists the account's CloudTrail trails with their status. */
export interface TrailReader {
  listTrails(): Promise<readonly TrailState[]>;
}

// ---- Remediation (issue 5): the ledger, the step runner and the state verifier ----
// (import placed here so the block above stays untouched; imports are hoisted)
import type { LastKnownGood, LedgerRecord, RecordStatus, StatusDetail, StepStatus } from './remediation/ledger-record';
import type { StepCall } from './remediation/plan';

/**
 * The remediation ledger (DynamoDB table live, a JSON-lines file offline). Writes are ordered:
 * `begin` before any change, `markStep` after each, `complete` at the end, so a record always says
 * exactly what was and was not applied.
 */
export interface Ledger {
  /**
   * Writes a new record if none exists for its undo id (derived from event id and finding id);
   * conditional, so two deliveries of one event cannot both begin.
   * @throws AlreadyRecordedError carrying the existing record when it exists (the caller resumes).
   */
  begin(record: LedgerRecord): Promise<void>;
  /** Sets the status of step `stepIndex`. @throws LedgerRecordNotFoundError when there is no such record. */
  markStep(undoId: string, stepIndex: number, status: StepStatus, detail?: StatusDetail): Promise<void>;
  /** Sets the overall status. @throws LedgerRecordNotFoundError when there is no such record. */
  complete(undoId: string, status: RecordStatus, detail?: StatusDetail): Promise<void>;
  /** The record, or undefined. */
  get(undoId: string): Promise<LedgerRecord | undefined>;
  /** The last-known-good document under `key` (see lastKnownGoodKey), or undefined. */
  lastKnownGood(key: string): Promise<LastKnownGood | undefined>;
  /** Stores (replaces) a last-known-good document; it never expires. */
  putLastKnownGood(entry: LastKnownGood): Promise<void>;
  /** Remediations begun on `resourceArn` at or after `since` (for the circuit breaker). */
  countRecentActions(resourceArn: string, since: Date): Promise<number>;
  /**
   * Takes the lease on `resourceArn` for `owner` until `until`, so that one run at a time re-reads
   * and changes a resource (findings of different events on it would otherwise both act). Taken
   * (true) when free, expired at `now`, or already `owner`'s (then extended); false when another
   * owner holds it. Conditional, so of concurrent calls at most one wins. A lease is not a record:
   * `get` and `countRecentActions` never see it.
   */
  acquireLease(resourceArn: string, owner: string, until: Date, now: Date): Promise<boolean>;
  /** Gives the lease back when `owner` still holds it; does nothing otherwise (expired and taken over). */
  releaseLease(resourceArn: string, owner: string): Promise<void>;
  /** True when {@link Ledger.noteAlertSent} recorded `key` (and it has not expired). */
  alertSent(key: string): Promise<boolean>;
  /**
   * Remembers that the alert of a finding without a record of its own (notify, nothing to do) was
   * published, until `expiresAt` (epoch seconds), so a redelivered copy stays quiet. Not a record.
   */
  noteAlertSent(key: string, expiresAt: number): Promise<void>;
}

/** Performs one plan step (the AWS adapter maps `call.action` to an SDK command). */
export interface StepRunner {
  /** @throws a WardenError: retryable (throttling, 5xx) or not (AccessDenied, gone, invalid). */
  run(call: StepCall): Promise<void>;
}

/** Whether the live state shows a call's effect: `holds`, `differs`, or `unknown` (cannot tell). */
export interface Verification {
  readonly state: 'holds' | 'differs' | 'unknown';
  /** Secret-free one-liner. */
  readonly detail?: string;
}

/** Re-reads the live state to check a call's effect (after applying, and before resuming). */
export interface StateVerifier {
  verify(call: StepCall): Promise<Verification>;
}

// ---- Notifications (issue 5): the alerts topic ----
import type { AlertMessage } from './notifications/alert-message';

/** Publishes one alert (SNS topic live; collected offline). */
export interface AlertPublisher {
  publish(message: AlertMessage): Promise<void>;
}

// ---- Whole-account audit (issue 6): what the account holds ----

/** The names of every role, user and group. */
export interface PrincipalNames {
  readonly roles: readonly string[];
  readonly users: readonly string[];
  readonly groups: readonly string[];
}

/**
 * Lists what an account holds, so an audit can ask the detectors about each resource (live: IAM
 * and Lambda list calls; offline: the snapshot). The detectors re-read each one themselves.
 */
export interface AccountInventory {
  readAccount(): Promise<{ readonly accountId: string; readonly partition: string }>;
  listPrincipalNames(): Promise<PrincipalNames>;
  /** Regions to audit Lambda functions in. */
  listLambdaRegions(): Promise<string[]>;
  /** `$LATEST` of every function in `region`. */
  listFunctions(region: string): Promise<readonly FunctionConfigurationState[]>;
}
