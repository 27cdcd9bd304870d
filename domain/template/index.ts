/**
 * Pre-deployment scanning of CloudFormation, SAM and `serverless package` templates: the same
 * IAM, secrets and exposure analyzers the detectors use, applied to the resources a template
 * declares, intrinsics resolved to ARNs or opaque placeholders. Pure.
 */
export { applyDecisions } from './exemptions';
export { InvalidTemplateError, TemplateError } from './errors';
export { materialize, placeholder, resolveString, type RawResource, type ResolveContext } from './intrinsics';
export { parseTemplate, type ParsedTemplate } from './template';
export { formatPath } from './template-finding';
export { scanTemplate } from './scan-template';
export type { TemplateFinding, TemplateLocation, TemplateOutcome, TemplatePath, TemplateResourceResult, TemplateScan, TemplateScanOptions } from './types';
