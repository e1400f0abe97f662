/**
 * Follows a bake until its execution ends: DescribeExecution and the history events since the last
 * poll, every few seconds. Ctrl-C asks whether to stop the bake (see `StopPrompt`).
 */
import { ExecutionView, StepCommand, WatchEvent } from './execution-view';
import type { FollowOutput, StartInfo } from './follow-output';
import { Outcome, outcomeOf } from './outcome';
import { StopPrompt } from './stop-prompt';
import type { BakeState } from '../../lambda/shared/types';
import type { StepFunctionsApi } from '../aws/step-functions';

export type FollowResult =
  | { readonly kind: 'ended'; readonly outcome: Outcome; readonly lastEvents: WatchEvent[]; readonly seconds: number; readonly view: ExecutionView }
  | { readonly kind: 'detached' };

/** Every line the running command has written so far (from its log streams); undefined when they cannot be read. */
export type LiveOutput = (command: StepCommand, state: BakeState | undefined) => Promise<string[] | undefined>;

export interface FollowOptions {
  readonly intervalMs: number;
  /** Leaves the CLI at once, with a message on stderr. */
  readonly leave: (message: string) => void;
  /** Where the running step's lines come from while it runs (its checks report only the end of its output). */
  readonly liveOutput?: LiveOutput;
}

const ENDED = ['SUCCEEDED', 'FAILED', 'ABORTED', 'TIMED_OUT'];

export async function followBake(sfn: StepFunctionsApi, info: StartInfo, output: FollowOutput, options: FollowOptions): Promise<FollowResult> {
  const view = new ExecutionView();
  const prompt = new StopPrompt({
    buildId: info.buildId,
    output,
    stop: () => sfn.stopExecution(info.executionArn, 'Stopped with the bakery CLI (Ctrl-C)'),
    leave: options.leave,
  });
  output.start(info);
  prompt.install();
  try {
    for (;;) {
      const execution = await sfn.describeExecution(info.executionArn);
      const events = await sfn.eventsAfter(info.executionArn, view.lastEventId);
      await prompt.settled();
      if (prompt.detached) return { kind: 'detached' };
      output.update(view.apply(events), view);
      await showLiveOutput(view, output, options.liveOutput);
      if (ENDED.includes(execution.status)) {
        const outcome = outcomeOf(execution, view);
        const end = execution.stopDate ?? new Date();
        const seconds = (end.getTime() - execution.startDate.getTime()) / 1000;
        return { kind: 'ended', outcome, lastEvents: view.finish(outcome.manifest, end), seconds, view };
      }
      await prompt.sleep(options.intervalMs);
      await prompt.settled();
      if (prompt.detached) return { kind: 'detached' };
    }
  } finally {
    prompt.uninstall();
    output.close();
  }
}

/** The running step's new lines, read from its log streams; a read that fails only leaves them for the next poll. */
async function showLiveOutput(view: ExecutionView, output: FollowOutput, liveOutput: LiveOutput | undefined): Promise<void> {
  const running = liveOutput && view.runningCommand();
  if (!running) return;
  const lines = await liveOutput(running, view.state).catch(() => undefined);
  if (lines) output.update(view.applyLiveOutput(running, lines, new Date()), view);
}
