/**
 * Follows a bake until its execution ends: DescribeExecution and the history events since the last
 * poll, every few seconds. Ctrl-C asks whether to stop the bake (see `StopPrompt`).
 */
import { ExecutionView, WatchEvent } from './execution-view';
import type { FollowOutput, StartInfo } from './follow-output';
import { Outcome, outcomeOf } from './outcome';
import { StopPrompt } from './stop-prompt';
import type { StepFunctionsApi } from '../aws/step-functions';

export type FollowResult =
  | { readonly kind: 'ended'; readonly outcome: Outcome; readonly lastEvents: WatchEvent[]; readonly seconds: number; readonly view: ExecutionView }
  | { readonly kind: 'detached' };

export interface FollowOptions {
  readonly intervalMs: number;
  /** Leaves the CLI at once, with a message on stderr. */
  readonly leave: (message: string) => void;
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
