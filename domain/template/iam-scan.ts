import type { FindingSubject } from '../findings';
import type { AwsManagedPolicyLibrary } from '../ports';
import { analyzePolicyDocument, analyzePrincipal, decodePolicy, PolicyError, type PolicyDocument, type PolicyIssue, type PrincipalPolicy } from '../policy';
import { intrinsicOf, isIntrinsic, materialize, NO_VALUE, resolveString } from './intrinsics';
import type { DocumentRef, IamModel, PolicyReference, PrincipalModel, StandalonePolicy } from './iam-model';
import { result, templateFinding } from './template-finding';
import type { ParsedTemplate } from './template';
import type { TemplateFinding, TemplateLocation, TemplateResourceResult, TemplateScanOptions } from './types';

/**
 * Judges the template's principals with the IAM engine (DESIGN.md §3.1): every policy that applies
 * to a principal together, its boundary and trust policy; managed policies also on their own.
 */

/** What a principal's evaluation needs besides the model. */
export interface IamScanContext {
  readonly template: ParsedTemplate;
  readonly options: TemplateScanOptions;
  readonly library: AwsManagedPolicyLibrary;
  readonly model: IamModel;
}

/** A decoded policy with where it came from. */
interface Located {
  readonly policy: PrincipalPolicy;
  readonly ref: DocumentRef;
}

/** A document or the reason it is unknown. */
type Resolved = { readonly ref: DocumentRef } | { readonly note: string } | undefined;

const AWS_MANAGED = /^arn:[^:]+:iam::aws:policy\//;
const MANAGED_PATHS = ['', 'service-role/', 'job-function/'];

/** A managed policy reference resolved to its document: a template policy, or an AWS-managed one from the library. */
async function resolveReference(reference: PolicyReference, scan: IamScanContext): Promise<Resolved> {
  const { value } = reference;
  const { ctx } = scan.template;
  if (isIntrinsic(value) && intrinsicOf(value).fn === 'Ref') {
    const arg = intrinsicOf(value).arg;
    const target = typeof arg === 'string' ? ctx.resources.get(arg) : undefined;
    if (target?.type === 'AWS::IAM::ManagedPolicy') return { ref: templatePolicy(target.logicalId, scan) };
  }
  const arn = resolveString(value, ctx);
  if (arn === NO_VALUE) return undefined;
  const own = scan.model.standalone.find((s) => s.document.arn === arn);
  if (own) return { ref: own.document };
  const candidates = AWS_MANAGED.test(arn) ? [arn] : reference.bareNames && !arn.startsWith('arn:') ? MANAGED_PATHS.map((p) => `arn:${ctx.partition}:iam::aws:policy/${p}${arn}`) : [];
  for (const candidate of candidates) {
    const state = await scan.library.getAwsManagedPolicy(candidate);
    if (state) return { ref: { name: state.name, raw: state.document, location: reference.location, source: 'managed', arn: candidate } };
  }
  if (candidates.length > 0) return { note: `AWS-managed policy ${arn.slice(0, 120)} is not in Warden's bundled copy` };
  return { note: `policy ${arn.slice(0, 120)} is not defined in the template: its document is unknown` };
}

function templatePolicy(logicalId: string, scan: IamScanContext): DocumentRef {
  const found = scan.model.standalone.find((s) => s.location.logicalId === logicalId);
  if (found === undefined) throw new PolicyError(`managed policy ${logicalId} was not collected`);
  return found.document;
}

function decode(ref: DocumentRef, scan: IamScanContext): PolicyDocument {
  try {
    return decodePolicy(typeof ref.raw === 'string' ? ref.raw : materialize(ref.raw, scan.template.ctx));
  } catch (error) {
    const reason = error instanceof PolicyError ? error.message : 'it could not be decoded';
    throw new PolicyError(`policy ${ref.name} (${ref.location.logicalId}) is invalid: ${reason}`, { cause: error });
  }
}

function located(ref: DocumentRef, source: PrincipalPolicy['source'], scan: IamScanContext): Located {
  return { ref, policy: { name: ref.name, source, document: decode(ref, scan), ...(ref.arn === undefined ? {} : { arn: ref.arn }) } };
}

/** The policies of one principal (inline, managed) with the given sources; notes for unknown documents. */
async function policiesOf(p: PrincipalModel, scan: IamScanContext, group: boolean, notes: string[]): Promise<Located[]> {
  const out = p.inline.map((ref) => located(ref, group ? 'group-inline' : 'inline', scan));
  for (const entry of p.managed) {
    const resolved = 'raw' in entry ? { ref: entry } : await resolveReference(entry, scan);
    if (resolved === undefined) continue;
    if ('note' in resolved) notes.push(resolved.note);
    else out.push(located(resolved.ref, group ? `group-${resolved.ref.source}` : resolved.ref.source, scan));
  }
  return out;
}

async function groupPolicies(p: PrincipalModel, scan: IamScanContext, notes: string[]): Promise<Located[]> {
  const out: Located[] = [];
  for (const reference of p.groups) {
    const ref = reference.value;
    const name = resolveString(ref, scan.template.ctx);
    const group = scan.model.principals.find((g) => g.kind === 'group' && ((isIntrinsic(ref) && intrinsicOf(ref).arg === g.logicalId) || g.name === name));
    if (group === undefined) notes.push(`group ${String(name).slice(0, 80)} is not defined in the template`);
    else out.push(...(await policiesOf(group, scan, true, notes)));
  }
  return out;
}

async function boundaryOf(p: PrincipalModel, scan: IamScanContext, notes: string[]): Promise<PolicyDocument | undefined> {
  if (p.boundary === undefined) return undefined;
  const resolved = await resolveReference(p.boundary, scan);
  if (resolved === undefined) return undefined;
  if ('note' in resolved) {
    notes.push(`permissions boundary not applied: ${resolved.note}`);
    return undefined;
  }
  return decode(resolved.ref, scan);
}

function subjectOf(p: PrincipalModel): FindingSubject {
  return { kind: p.kind, name: p.name, arn: p.arn };
}

/** Evaluates one principal with all its policies. */
async function evaluatePrincipal(p: PrincipalModel, scan: IamScanContext): Promise<TemplateResourceResult> {
  const notes = [...p.notes];
  const policies = [...(await policiesOf(p, scan, false, notes)), ...(await groupPolicies(p, scan, notes))];
  const boundary = await boundaryOf(p, scan, notes);
  const trustPolicy = p.trust === undefined ? undefined : decode({ name: 'trust policy', raw: p.trust.raw, location: p.trust.location, source: 'inline' }, scan);
  const issues = analyzePrincipal(
    { kind: p.kind, arn: p.arn, accountId: scan.template.ctx.accountId, policies: policies.map((l) => l.policy), ...(boundary ? { boundary } : {}), ...(trustPolicy ? { trustPolicy } : {}) },
    trustOptions(scan.options),
  );
  const refs = [...policies.map((l) => l.ref), ...(p.trust ? [{ name: 'trust policy', raw: p.trust.raw, location: p.trust.location, source: 'inline' as const }] : [])];
  const findings = issues.map((issue) => toFinding(issue, p.location, subjectOf(p), refs, scan));
  const summary = `${p.kind} with ${policies.length} ${policies.length === 1 ? 'policy' : 'policies'}`;
  return { ...result(p.logicalId, p.location.resourceType, p.arn, findings, notes, summary), ...(Object.keys(p.tags).length > 0 ? { tags: p.tags } : {}) };
}

function trustOptions(options: TemplateScanOptions): { trustedAccounts?: readonly string[]; orgId?: string } {
  return { ...(options.trustedAccounts ? { trustedAccounts: options.trustedAccounts } : {}), ...(options.orgId ? { orgId: options.orgId } : {}) };
}

/** Evaluates a policy resource on its own. */
function evaluateStandalone(s: StandalonePolicy, scan: IamScanContext): TemplateResourceResult {
  const arn = s.document.arn ?? `{${s.location.logicalId}}`;
  const issues = analyzePolicyDocument(decode(s.document, scan), { name: s.document.name, arn, accountId: scan.template.ctx.accountId });
  const subject: FindingSubject = { kind: 'policy', name: s.document.name, arn };
  const findings = issues.map((issue) => toFinding(issue, s.location, subject, [s.document], scan));
  return result(s.location.logicalId, s.location.resourceType, arn, findings, [], s.reason);
}

/** Statement references anywhere in an issue's evidence (`{policy, source, index}`). */
function statementRefs(evidence: unknown, depth = 0): { policy: string; index: number }[] {
  if (depth > 4 || typeof evidence !== 'object' || evidence === null) return [];
  if (Array.isArray(evidence)) return evidence.flatMap((item) => statementRefs(item, depth + 1));
  const record = evidence as Record<string, unknown>;
  if (typeof record.policy === 'string' && typeof record.index === 'number' && typeof record.source === 'string') return [{ policy: record.policy, index: record.index }];
  return Object.values(record).flatMap((item) => statementRefs(item, depth + 1));
}

/** The path of statement `index` inside a document as written (only where the index maps one to one). */
function statementLocation(ref: DocumentRef, index: number): TemplateLocation {
  if (ref.approximate === true) return ref.location;
  const statements = typeof ref.raw === 'object' && ref.raw !== null ? (ref.raw as Record<string, unknown>).Statement : undefined;
  const plain = Array.isArray(statements) && statements.every((s) => !isIntrinsic(s));
  if (plain && index < statements.length) return { ...ref.location, path: [...ref.location.path, 'Statement', index] };
  if (statements !== undefined && !Array.isArray(statements) && index === 0) return { ...ref.location, path: [...ref.location.path, 'Statement'] };
  return ref.location;
}

function toFinding(issue: PolicyIssue, home: TemplateLocation, subject: FindingSubject, refs: readonly DocumentRef[], scan: IamScanContext): TemplateFinding {
  const places = statementRefs(issue.evidence).flatMap(({ policy, index }) => {
    const ref = refs.find((r) => r.name === policy);
    return ref ? [statementLocation(ref, index)] : [];
  });
  // The first statement the evidence cites inside the principal's own resource; statements elsewhere are related.
  const primary = places.find((l) => l.path[1] === home.path[1] && l.path.length > home.path.length) ?? home;
  const related = places.filter((l) => l !== primary);
  return templateFinding(issue, {
    source: scan.options.source,
    accountId: scan.template.ctx.accountId,
    region: scan.template.ctx.region,
    subject,
    location: primary,
    relatedLocations: dedupe(related),
    // The evidence names the statements, actions and paths: stable for one template, distinct per issue.
    key: JSON.stringify(issue.evidence),
  });
}

function dedupe(locations: readonly TemplateLocation[]): TemplateLocation[] {
  const seen = new Set<string>();
  return locations.filter((l) => {
    const key = JSON.stringify(l.path);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Wraps an evaluation so that an invalid document gives an `error` result, never a crash. */
async function guarded(logicalId: string, resourceType: string, arn: string, run: () => Promise<TemplateResourceResult> | TemplateResourceResult): Promise<TemplateResourceResult> {
  try {
    return await run();
  } catch (error) {
    if (!(error instanceof PolicyError)) throw error;
    return { logicalId, resourceType, resourceArn: arn, outcome: 'error', reason: error.message, findings: [] };
  }
}

/** Every principal and standalone policy of the template. */
export async function scanIam(scan: IamScanContext): Promise<TemplateResourceResult[]> {
  const out: TemplateResourceResult[] = [];
  for (const p of scan.model.principals) out.push(await guarded(p.logicalId, p.location.resourceType, p.arn, () => evaluatePrincipal(p, scan)));
  for (const s of scan.model.standalone) out.push(await guarded(s.location.logicalId, s.location.resourceType, s.document.arn ?? '', () => evaluateStandalone(s, scan)));
  return out;
}
