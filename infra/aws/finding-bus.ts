import { PutEventsCommand, type EventBridgeClient, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { ServiceUnavailableError } from '../../domain/errors';
import type { Finding } from '../../domain/findings';
import type { FindingPublisher } from '../../domain/ports';
import { translateSdkError } from './sdk-errors';

/** The detail-type of findings on Warden's bus; the remediator's rule matches it. */
export const findingDetailType = 'Warden Finding';
/** The source of events Warden puts on its bus. */
export const findingSource = 'warden';
/** IAM actions this adapter calls. */
export const findingBusActions = ['events:PutEvents'] as const;

const maxEntriesPerCall = 10;

/** Publishes findings as events on Warden's own bus, so every hop has retries and a DLQ. */
export class FindingBus implements FindingPublisher {
  constructor(
    private readonly client: EventBridgeClient,
    private readonly busName: string,
  ) {}

  /** Puts every finding; a partial failure is thrown as retryable so EventBridge redelivers the event. */
  async publish(findings: readonly Finding[]): Promise<void> {
    for (let start = 0; start < findings.length; start += maxEntriesPerCall) {
      await this.putBatch(findings.slice(start, start + maxEntriesPerCall));
    }
  }

  private async putBatch(batch: readonly Finding[]): Promise<void> {
    const entries: PutEventsRequestEntry[] = batch.map((finding) => ({
      EventBusName: this.busName,
      Source: findingSource,
      DetailType: findingDetailType,
      Resources: [finding.resourceArn],
      Detail: JSON.stringify(finding),
    }));
    let failed: number;
    try {
      const response = await this.client.send(new PutEventsCommand({ Entries: entries }));
      failed = response.FailedEntryCount ?? 0;
    } catch (error) {
      throw translateSdkError(error, 'events:PutEvents');
    }
    // Findings are idempotent downstream (ids derive from the event), so redelivering the whole batch is safe.
    if (failed > 0) throw new ServiceUnavailableError(`events:PutEvents rejected ${failed} of ${entries.length} findings`);
  }
}
