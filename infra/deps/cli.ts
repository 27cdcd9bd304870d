import type { FingerprintKeySource, StateReaders } from '../../domain/ports';
import { BundledAwsManagedPolicies } from '../aws-managed/aws-managed-library';
import { createAwsClients } from '../aws/clients';
import { IamGateway } from '../aws/iam-gateway';
import { LambdaGateway } from '../aws/lambda-gateway';
import { defaultFingerprintKeyPath, FileFingerprintKey } from '../config/fingerprint-key-file';
import { SnapshotStore } from '../snapshot/snapshot-store';

/** Where a CLI run reads state from (DESIGN.md §7). */
export type StateSourceSpec = { readonly kind: 'event-only' } | { readonly kind: 'snapshot'; readonly dir: string } | { readonly kind: 'live' };

/** State readers for the CLI: live SDK gateways, an offline snapshot, or none (judge the event). */
export async function stateReaders(source: StateSourceSpec, fingerprintKey: FingerprintKeySource = cliFingerprintKey()): Promise<StateReaders> {
  switch (source.kind) {
    case 'event-only':
      return { awsManaged: new BundledAwsManagedPolicies(), fingerprintKey };
    case 'live': {
      // Adaptive retries: a replay or audit reads in bulk and must back off rather than fail.
      const clients = createAwsClients({ retryMode: 'adaptive' });
      return { iam: new IamGateway(clients.iam()), lambda: new LambdaGateway((region) => clients.lambda(region)), fingerprintKey };
    }
    case 'snapshot': {
      const store = await SnapshotStore.open(source.dir);
      return { iam: store, lambda: store, awsManaged: new BundledAwsManagedPolicies(), fingerprintKey };
    }
  }
}

/**
 * The CLI's fingerprint key: `--fingerprint-key-file FILE` (which must exist), else
 * `.warden/fingerprint.key`, created with a random key on first use, so that fingerprints are
 * stable from run to run. Read lazily: runs that find no secret never touch it.
 */
export function cliFingerprintKey(file?: string): FingerprintKeySource {
  return file === undefined ? new FileFingerprintKey(defaultFingerprintKeyPath, true) : new FileFingerprintKey(file, false);
}
