import {
  DescribeTrailsCommand,
  GetEventSelectorsCommand,
  GetTrailStatusCommand,
  type AdvancedEventSelector,
  type CloudTrailClient,
  type EventSelector,
  type Trail,
} from '@aws-sdk/client-cloudtrail';
import type { TrailReader } from '../../domain/ports';
import type { TrailState } from '../../domain/trail';
import { translateSdkError } from './sdk-errors';

/** IAM actions this adapter calls. */
export const cloudTrailGatewayActions = ['cloudtrail:DescribeTrails', 'cloudtrail:GetTrailStatus', 'cloudtrail:GetEventSelectors'] as const;

/** Reads trails and whether they log write management events. */
export class CloudTrailGateway implements TrailReader {
  constructor(private readonly client: CloudTrailClient) {}

  async listTrails(): Promise<readonly TrailState[]> {
    const trails = await this.call('cloudtrail:DescribeTrails', () => this.client.send(new DescribeTrailsCommand({ includeShadowTrails: true })));
    return Promise.all((trails.trailList ?? []).map((trail) => this.stateOf(trail)));
  }

  private async stateOf(trail: Trail): Promise<TrailState> {
    const id = trail.TrailARN ?? trail.Name ?? '';
    const [status, selectors] = await Promise.all([
      this.call('cloudtrail:GetTrailStatus', () => this.client.send(new GetTrailStatusCommand({ Name: id }))),
      this.call('cloudtrail:GetEventSelectors', () => this.client.send(new GetEventSelectorsCommand({ TrailName: id }))),
    ]);
    return {
      name: trail.Name ?? id,
      homeRegion: trail.HomeRegion ?? '',
      isMultiRegion: trail.IsMultiRegionTrail === true,
      isLogging: status.IsLogging === true,
      logsWriteManagementEvents: logsWrites(selectors.EventSelectors, selectors.AdvancedEventSelectors),
    };
  }

  private async call<T>(operation: string, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      throw translateSdkError(error, operation);
    }
  }
}

/** A trail without selectors logs all management events (CloudTrail's default). */
function logsWrites(classic: readonly EventSelector[] | undefined, advanced: readonly AdvancedEventSelector[] | undefined): boolean {
  if (advanced !== undefined && advanced.length > 0) return advanced.some(advancedLogsWrites);
  if (classic === undefined || classic.length === 0) return true;
  return classic.some((selector) => selector.IncludeManagementEvents !== false && selector.ReadWriteType !== 'ReadOnly');
}

function advancedLogsWrites(selector: AdvancedEventSelector): boolean {
  const fields = selector.FieldSelectors ?? [];
  const category = fields.find((field) => field.Field === 'eventCategory');
  if (!category?.Equals?.includes('Management')) return false;
  const readOnly = fields.find((field) => field.Field === 'readOnly');
  return !readOnly?.Equals?.includes('true');
}
