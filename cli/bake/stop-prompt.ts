/**
 * Ctrl-C while a bake is followed: asks whether to stop the bake. Yes stops the execution (the
 * bakery's cleanup runs when it has stopped) and following goes on until it has; no leaves the bake
 * running and stops following. Ctrl-C again while asked leaves at once.
 */
import type { FollowOutput } from './follow-output';
import { Answer, confirm } from '../confirm';

export interface StopPromptOptions {
  readonly buildId: string;
  readonly output: FollowOutput;
  readonly stop: () => Promise<void>;
  /** Leaves the CLI at once (exit code 130), the bake untouched. */
  readonly leave: (message: string) => void;
  readonly ask?: (question: string) => Promise<Answer>;
}

export class StopPrompt {
  /** The person chose to leave the bake running. */
  public detached = false;
  /** StopExecution was called. */
  public stopping = false;
  private asking?: Promise<void>;
  private failure?: unknown;
  private wake?: () => void;

  constructor(private readonly options: StopPromptOptions) {}

  private readonly onSigint = () => this.interrupted();

  public install(): void {
    process.on('SIGINT', this.onSigint);
  }

  public uninstall(): void {
    process.removeListener('SIGINT', this.onSigint);
  }

  /** Waits while the question is open; rethrows a failed StopExecution. */
  public async settled(): Promise<void> {
    while (this.asking) await this.asking;
    if (this.failure !== undefined) throw this.failure;
  }

  /** Waits `ms`, or less when an answer arrives. */
  public sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  private interrupted(): void {
    const { buildId, output } = this.options;
    if (this.asking) return this.options.leave(`Bake ${buildId} was not stopped and goes on: bakery status ${buildId}`);
    if (this.stopping) return this.options.leave(`Bake ${buildId} is stopping; its cleanup runs when it has stopped: bakery status ${buildId}`);
    output.pause();
    const ask = this.options.ask ?? confirm;
    this.asking = ask(`Stop bake ${buildId}? Cleanup runs when it stops.`)
      .then((answer) => this.answered(answer))
      .catch((error) => {
        this.failure = error;
      })
      .finally(() => {
        this.asking = undefined;
        this.wake?.();
      });
  }

  private async answered(answer: Answer): Promise<void> {
    const { buildId, output } = this.options;
    if (answer === 'interrupted') return this.options.leave(`Bake ${buildId} was not stopped and goes on: bakery status ${buildId}`);
    output.resume();
    if (answer === 'no') {
      this.detached = true;
      return;
    }
    await this.options.stop();
    this.stopping = true;
    output.note(`Stopping bake ${buildId}. Cleanup was triggered: when the execution has stopped, the bakery's cleanup function removes ` +
      'the instance, images and snapshots tagged with its build id (that cleanup does not show here).');
  }
}
