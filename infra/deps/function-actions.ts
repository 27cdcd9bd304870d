import { alertTopicActions } from '../aws/alert-topic';
import { cloudTrailGatewayActions } from '../aws/cloudtrail-gateway';
import { findingBusActions } from '../aws/finding-bus';
import { fingerprintKeyActions } from '../aws/fingerprint-key';
import { iamGatewayActions } from '../aws/iam-gateway';
import { lambdaGatewayActions } from '../aws/lambda-gateway';
import { liveInventoryActions } from '../aws/live-inventory';
import { secureParameterActions } from '../aws/secure-parameter';
import { sweepStateActions } from '../ledger/dynamodb-sweep-state';
import { remediateActions } from './remediate';

/**
 * The AWS actions each function's code calls, composed from the adapters it is built from (each
 * adapter lists the actions it calls next to its code). The contract test compares every role in
 * the packaged template with these lists, both ways: nothing missing, nothing granted unused.
 */

/** What the Lambda platform does with the function's own role: logs, and the on-failure DLQ. */
export const platformActions = ['logs:CreateLogStream', 'logs:PutLogEvents', 'sqs:SendMessage'] as const;

/** Publishing to the KMS-encrypted alert topic needs a data key on the caller's behalf. */
const encryptedTopicActions = [...alertTopicActions, 'kms:GenerateDataKey', 'kms:Decrypt'] as const;

export const functionActions = {
  detectIam: [...iamGatewayActions, ...findingBusActions],
  // No kms:Decrypt: Lambda decrypts environments under its own key; for a customer-managed key the
  // key policy grants the role (else the scan is `unresolved`, never clean).
  detectLambda: [...lambdaGatewayActions, ...fingerprintKeyActions, ...findingBusActions],
  remediate: [...remediateActions],
  notifySlack: [...secureParameterActions],
  sweep: [...cloudTrailGatewayActions, ...liveInventoryActions, ...iamGatewayActions, ...lambdaGatewayActions, ...fingerprintKeyActions, ...sweepStateActions, ...encryptedTopicActions],
} as const satisfies Record<string, readonly string[]>;
