// Actions on the rows of a list (members, review queue items): one action at a time across the list (the
// row's buttons show it), and per row the last refusal (role=alert) and the last outcome (role=status).
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { messageFor } from '../api/index.js';

export class RowActionController implements ReactiveController {
  private busyRow: string | null = null;
  private errors: Record<string, string> = {};
  private statuses: Record<string, string> = {};

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }

  hostConnected() {}

  /** True while an action runs on this row (any row when no id is given). */
  busy(rowId?: string): boolean {
    return rowId === undefined ? this.busyRow !== null : this.busyRow === rowId;
  }

  /** The row's last refusal, in words, or ''. */
  error(rowId: string): string {
    return this.errors[rowId] ?? '';
  }

  /** The row's last outcome, in words, or ''. */
  status(rowId: string): string {
    return this.statuses[rowId] ?? '';
  }

  /** Says something on a row outside run() (e.g. after a dialog's action). */
  report(rowId: string, status: string, error = '') {
    this.statuses = { ...this.statuses, [rowId]: status };
    this.errors = { ...this.errors, [rowId]: error };
    this.host.requestUpdate();
  }

  /**
   * Runs `work` for a row unless an action is already running. The row's messages are cleared first; a
   * string `work` resolves to becomes the row's status, a failure its error. Resolves true on success.
   */
  async run(rowId: string, work: () => Promise<string | void>): Promise<boolean> {
    if (this.busyRow !== null) return false;
    this.busyRow = rowId;
    this.report(rowId, '');
    try {
      const status = await work();
      if (typeof status === 'string') this.report(rowId, status);
      return true;
    } catch (error) {
      this.report(rowId, '', messageFor(error));
      return false;
    } finally {
      this.busyRow = null;
      this.host.requestUpdate();
    }
  }
}
