import type { StateReaders } from '../../domain/ports';
import { BundledAwsManagedPolicies } from '../aws-managed/aws-managed-library';
import { createAwsClients } from '../aws/clients';
import { IamGateway } from '../aws/iam-gateway';
import { LambdaGateway } from '../aws/lambda-gateway';
import { SnapshotStore } from '../snapshot/snapshot-store';

/** Where a CLI run reads state from (DESIGN.md §7). */
export type StateSourceSpec = { readonly kind: 'event-only' } | { readonly kind: 'snapshot'; readonly dir: string } | { readonly kind: 'live' };

/** State readers for the CLI: live SDK gateways, an offline snapshot, or none (judge the event). */
export async function stateReaders(source: StateSourceSpec): Promise<StateReaders> {
  switch (source.kind) {
    case 'event-only':
      return { awsManaged: new BundledAwsManagedPolicies() };
    case 'live': {
      // Adaptive retries: a replay or audit reads in bulk and must back off rather than fail.
      const clients = createAwsClients({ retryMode: 'adaptive' });
      return { iam: new IamGateway(clients.iam()), lambda: new LambdaGateway((region) => clients.lambda(region)) };
    }
    case 'snapshot': {
      const store = await SnapshotStore.open(source.dir);
      return { iam: store, lambda: store, awsManaged: new BundledAwsManagedPolicies() };
    }
  }
}
