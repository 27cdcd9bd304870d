import { ledgerContract } from '../../integration/remediation/ledger-contract';
import { MemoryLedger } from './memory-ledger';

// The unit tests' fake must behave like the real adapters.
ledgerContract('in-memory fake', () => Promise.resolve(new MemoryLedger()));
