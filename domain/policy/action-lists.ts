/**
 * Action lists behind DESIGN.md §3.1 item 4. Names are lowercase; a unit test checks that each is
 * in the catalogue, so a renamed action cannot silently drop out of a rule.
 */

/**
 * Actions whose response carries credentials or that mint them (after Cloudsplaining's
 * "credentials exposure"). Left out on purpose: `ecr:GetAuthorizationToken` and
 * `codeartifact:GetAuthorizationToken` (wildcard-only tokens that are only useful with the
 * registry permissions a policy grants separately; flagging them would flag every image pull) and
 * `sts:GetSessionToken` (credentials with the caller's own permissions).
 */
export const CREDENTIAL_ACTIONS: readonly string[] = [
  'chime:createapikey',
  'cloud9:createenvironmenttoken',
  'codepipeline:pollforjobs',
  'cognito-identity:getcredentialsforidentity',
  'cognito-identity:getopenidtoken',
  'cognito-identity:getopenidtokenfordeveloperidentity',
  'connect:getfederationtoken',
  'ec2:getpassworddata',
  'gamelift:requestuploadcredentials',
  'iam:createaccesskey',
  'iam:createloginprofile',
  'iam:createservicespecificcredential',
  'iam:resetservicespecificcredential',
  'iam:updateaccesskey',
  'iam:updateloginprofile',
  'lightsail:downloaddefaultkeypair',
  'lightsail:getinstanceaccessdetails',
  'lightsail:getrelationaldatabasemasteruserpassword',
  'mediapackage:rotatechannelcredentials',
  'mediapackage:rotateingestendpointcredentials',
  'rds-db:connect',
  'redshift-serverless:getcredentials',
  'redshift:getclustercredentials',
  'redshift:getclustercredentialswithiam',
  'sts:assumerole',
  'sts:assumerolewithsaml',
  'sts:assumerolewithwebidentity',
  'sts:assumeroot',
  'sts:getfederationtoken',
];

/** Reads of secrets and keys: the most valuable data exfiltration (high). */
export const SECRET_READ_ACTIONS: readonly string[] = [
  'kms:decrypt',
  'secretsmanager:batchgetsecretvalue',
  'secretsmanager:getsecretvalue',
  'ssm:getparameter',
  'ssm:getparameterhistory',
  'ssm:getparameters',
  'ssm:getparametersbypath',
];

/** Bulk data reads (medium): object, table, queue, stream and log contents, function code. */
export const DATA_READ_ACTIONS: readonly string[] = [
  'athena:getqueryresults',
  'codecommit:gitpull',
  'dynamodb:batchgetitem',
  'dynamodb:exporttabletopointintime',
  'dynamodb:getitem',
  'dynamodb:query',
  'dynamodb:scan',
  'ebs:getsnapshotblock',
  'glacier:getjoboutput',
  'kinesis:getrecords',
  'lambda:getfunction',
  'lambda:getfunctionconfiguration',
  'logs:filterlogevents',
  'logs:getlogevents',
  'rds:downloaddblogfileportion',
  's3:getobject',
  's3:getobjectversion',
  'sqs:receivemessage',
];

/** Actions that blind detection: stop or weaken logging, threat detection and compliance recording. */
export const DEFENSE_EVASION_ACTIONS: readonly string[] = [
  'access-analyzer:createarchiverule',
  'access-analyzer:deleteanalyzer',
  'cloudtrail:deleteeventdatastore',
  'cloudtrail:deletetrail',
  'cloudtrail:puteventselectors',
  'cloudtrail:putinsightselectors',
  'cloudtrail:stopeventdatastoreingestion',
  'cloudtrail:stoplogging',
  'cloudtrail:updatetrail',
  'cloudwatch:deletealarms',
  'cloudwatch:disablealarmactions',
  'config:deleteconfigrule',
  'config:deleteconfigurationrecorder',
  'config:deletedeliverychannel',
  'config:deleteevaluationresults',
  'config:deleteretentionconfiguration',
  'config:putconfigurationrecorder',
  'config:stopconfigurationrecorder',
  'detective:deletegraph',
  'ec2:deleteflowlogs',
  'guardduty:createfilter',
  'guardduty:createipset',
  'guardduty:deletedetector',
  'guardduty:deletemembers',
  'guardduty:deletepublishingdestination',
  'guardduty:disassociatefromadministratoraccount',
  'guardduty:disassociatefrommasteraccount',
  'guardduty:disassociatemembers',
  'guardduty:stopmonitoringmembers',
  'guardduty:updatedetector',
  'guardduty:updatefilter',
  'guardduty:updateipset',
  'guardduty:updatemalwarescansettings',
  'inspector2:disable',
  'logs:deletedestination',
  'logs:deleteloggroup',
  'logs:deletelogstream',
  'logs:deletesubscriptionfilter',
  'logs:disassociatekmskey',
  'logs:putretentionpolicy',
  'macie2:disablemacie',
  'organizations:leaveorganization',
  'route53resolver:deleteresolverquerylogconfig',
  's3:putbucketlogging',
  'securityhub:batchdisablestandards',
  'securityhub:batchupdatefindings',
  'securityhub:deleteinsight',
  'securityhub:deletemembers',
  'securityhub:disableimportfindingsforproduct',
  'securityhub:disablesecurityhub',
  'securityhub:disassociatefromadministratoraccount',
  'securityhub:disassociatefrommasteraccount',
  'securityhub:updatefindings',
];

/** Actions that change a principal's own permissions, per principal kind (self-escalation). */
export const SELF_ESCALATION_ACTIONS: Readonly<Record<'role' | 'user' | 'group', readonly string[]>> = {
  role: ['iam:putrolepolicy', 'iam:attachrolepolicy'],
  user: ['iam:putuserpolicy', 'iam:attachuserpolicy'],
  group: ['iam:putgrouppolicy', 'iam:attachgrouppolicy'],
};

/** Actions that lift a permissions boundary, per principal kind. */
export const BOUNDARY_LIFT_ACTIONS: Readonly<Record<'role' | 'user', readonly string[]>> = {
  role: ['iam:deleterolepermissionsboundary', 'iam:putrolepermissionsboundary'],
  user: ['iam:deleteuserpermissionsboundary', 'iam:putuserpermissionsboundary'],
};

/** Actions that replace a managed policy's document. */
export const POLICY_VERSION_ACTIONS: readonly string[] = ['iam:createpolicyversion', 'iam:setdefaultpolicyversion'];
