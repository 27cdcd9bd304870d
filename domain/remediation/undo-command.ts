/**
 * The exact `warden undo` command for a recorded remediation (DESIGN.md §7): the same state and
 * ledger options as the run that recorded it.
 */

/** Where the ledger of a run lives. */
export type LedgerLocation =
  /** Live account, DynamoDB ledger (`--live --ledger-table TABLE`): the Lambdas and `--ledger-table`. */
  | { readonly kind: 'table'; readonly table: string }
  /** Live account, local ledger file (`--live --ledger FILE`). */
  | { readonly kind: 'file'; readonly path: string }
  /** Offline snapshot; the ledger lives in the snapshot directory (`--snapshot DIR`). */
  | { readonly kind: 'snapshot'; readonly dir: string };

const SAFE = /^[A-Za-z0-9_./:@%+=,-]+$/;

/** Quotes one shell word (POSIX single quotes) unless it is made only of safe characters. */
export function shellWord(word: string): string {
  return SAFE.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** `warden undo <undoId> …` for a ledger location, ready to paste into a shell. */
export function undoCommand(undoId: string, location: LedgerLocation): string {
  const options =
    location.kind === 'table'
      ? ['--live', '--ledger-table', location.table]
      : location.kind === 'file'
        ? ['--live', '--ledger', location.path]
        : ['--snapshot', location.dir];
  return ['warden', 'undo', undoId, ...options].map(shellWord).join(' ');
}
