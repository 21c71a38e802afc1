// The submit half every form repeated: a busy flag (the button is disabled and never sends twice), the last
// error (shown in the form's role=alert region, marks the field it names), a re-render on each change, and,
// after a failure, focus on the field the server named so the keyboard user lands on it.
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { focusErrorField } from './form-helpers.js';

export interface SubmitOptions {
  /** Where focus goes after a failure (default: the field the server named); null leaves it where it is. */
  focus?: ((root: ParentNode, error: unknown) => void) | null;
  /** Keep busy after a success: for forms whose success leaves the page (sign in, register), so the button stays disabled. */
  staysBusyOnSuccess?: boolean;
}

export class SubmitController implements ReactiveController {
  private busyNow = false;
  private lastError: unknown = null;

  constructor(
    private readonly host: ReactiveControllerHost & { readonly renderRoot: ParentNode },
    private readonly options: SubmitOptions = {},
  ) {
    host.addController(this);
  }

  // Nothing to set up or tear down: a submit in flight finishes even if the form is removed meanwhile.
  hostConnected() {}

  /** True while a submit runs. */
  get busy() {
    return this.busyNow;
  }

  /** The last failure, or null. Settable for client-side checks and for clearing when a dialog reopens. */
  get error(): unknown {
    return this.lastError;
  }

  set error(error: unknown) {
    this.lastError = error;
    this.host.requestUpdate();
  }

  /**
   * Runs `work` unless a submit is already running. On failure keeps the error, re-renders and moves focus.
   * Resolves true when `work` succeeded, false when it failed or did not run.
   */
  async run(work: () => Promise<unknown>): Promise<boolean> {
    if (this.busyNow) return false;
    this.busyNow = true;
    this.lastError = null;
    this.host.requestUpdate();
    try {
      await work();
    } catch (error) {
      this.busyNow = false;
      this.error = error;
      await this.host.updateComplete; // the field's aria-invalid is set before it gets focus
      const focus = this.options.focus === undefined ? focusErrorField : this.options.focus;
      focus?.(this.host.renderRoot, error);
      return false;
    }
    if (!this.options.staysBusyOnSuccess) {
      this.busyNow = false;
      this.host.requestUpdate();
    }
    return true;
  }
}
