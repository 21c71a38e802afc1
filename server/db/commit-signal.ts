// "Events were committed": the signal the event sequencer (domain/event-sequencer.ts) waits for. A
// transaction that records an event cannot NOTIFY without serialising its commit behind every other
// notifying commit of the database (PostgreSQL holds a database-wide lock from NOTIFY's pre-commit step to
// the end of the commit, fsync included). So recordEvent() only marks the transaction, and db.transaction,
// wrapped here, tells this process's listeners once the transaction has committed.
import { AsyncLocalStorage } from 'node:async_hooks';

interface TransactionScope {
  eventRecorded: boolean;
}

const scope = new AsyncLocalStorage<TransactionScope>();

/**
 * Called by recordEvent inside its transaction. True when the transaction was begun by a tracked
 * db.transaction, which will signal after commit; false otherwise (the caller must NOTIFY itself).
 */
export function markEventRecorded(): boolean {
  const current = scope.getStore();
  if (!current) return false;
  current.eventRecorded = true;
  return true;
}

/** Wraps `db.transaction` so that `onEventsCommitted` listeners run after a transaction that recorded events commits. */
// Generic over the handle (client.ts's Db on either driver), so this module does not import client.ts, which imports it.
export function trackEventCommits<D extends { transaction: (...args: any[]) => Promise<unknown> }>(db: D) {
  const listeners = new Set<() => void>();
  const transaction = db.transaction.bind(db) as D['transaction'];
  db.transaction = (async (...args: Parameters<D['transaction']>) => {
    const own: TransactionScope = { eventRecorded: false };
    const result = await scope.run(own, () => transaction(...args));
    if (own.eventRecorded) for (const listener of listeners) listener();
    return result;
  }) as D['transaction'];
  return {
    /** Registers a listener; returns the function that removes it. */
    onEventsCommitted(listener: () => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
