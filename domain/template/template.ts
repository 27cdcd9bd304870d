import { InvalidTemplateError } from './errors';
import type { RawResource, ResolveContext } from './intrinsics';

/**
 * The parts of a CloudFormation (or SAM, or `serverless package`) template the scanner reads,
 * checked the way CloudFormation checks them before it would deploy.
 */

/** A template ready to scan: its resources in order and what intrinsics resolve against. */
export interface ParsedTemplate {
  readonly resources: readonly RawResource[];
  readonly ctx: ResolveContext;
  /** SAM `Globals.Function`: defaults every `AWS::Serverless::Function` inherits. */
  readonly functionGlobals: Readonly<Record<string, unknown>>;
}

/** Pseudo-parameter values for intrinsics. */
export interface PseudoValues {
  readonly partition: string;
  readonly accountId: string;
  readonly region: string;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function objectOrEmpty(value: unknown, where: string): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (!isObject(value)) throw new InvalidTemplateError(`${where} must be a mapping`);
  return value;
}

function readResource(logicalId: string, raw: unknown): RawResource {
  if (!/^[A-Za-z0-9]+$/.test(logicalId)) throw new InvalidTemplateError(`resource logical id "${logicalId.slice(0, 64)}" must be alphanumeric`);
  if (!isObject(raw)) throw new InvalidTemplateError(`resource ${logicalId} must be a mapping`);
  if (typeof raw.Type !== 'string' || raw.Type.length === 0) throw new InvalidTemplateError(`resource ${logicalId} has no Type`);
  return { logicalId, type: raw.Type, properties: objectOrEmpty(raw.Properties, `Properties of resource ${logicalId}`) };
}

/**
 * Reads a template already loaded from JSON or YAML (short-form tags turned into the long form).
 * @throws InvalidTemplateError when it is not a template: not a mapping, no `Resources`, a resource
 * without `Type`.
 */
export function parseTemplate(raw: unknown, pseudo: PseudoValues): ParsedTemplate {
  if (!isObject(raw)) throw new InvalidTemplateError('a template must be a mapping (a JSON object or a YAML map)');
  const resourcesRaw = raw.Resources;
  if (!isObject(resourcesRaw) || Object.keys(resourcesRaw).length === 0) {
    throw new InvalidTemplateError('the template has no Resources (a CloudFormation template needs at least one)');
  }
  const resources = Object.entries(resourcesRaw).map(([id, value]) => readResource(id, value));
  const parameters = new Set(Object.keys(objectOrEmpty(raw.Parameters, 'Parameters')));
  const mappings = objectOrEmpty(raw.Mappings, 'Mappings');
  const globals = objectOrEmpty(raw.Globals, 'Globals');
  return {
    resources,
    ctx: { resources: new Map(resources.map((r) => [r.logicalId, r])), parameters, mappings, ...pseudo },
    functionGlobals: objectOrEmpty(globals.Function, 'Globals.Function'),
  };
}
