/** The end of following a bake (`build --follow`, `status --follow`): what is printed, and the exit code. */
import type { FollowResult } from '../bake/follow';
import type { FollowOutput, StartInfo } from '../bake/follow-output';
import { prepareError } from '../bake/prepare-errors';
import type { Session } from '../session';

/** Exit code when the person left with Ctrl-C and the bake goes on. */
export const LEFT_RUNNING = 130;

export function reportFollowResult(session: Session, info: StartInfo, output: FollowOutput, result: FollowResult): number {
  const { err } = session.terminal;
  if (result.kind === 'detached') {
    err.write(`Bake ${info.buildId} goes on. Follow it again: bakery status ${info.buildId} --follow\n`);
    return LEFT_RUNNING;
  }
  const { outcome, lastEvents, seconds } = result;
  const error = prepareError(outcome, info.consoleUrl);
  output.finish(outcome, lastEvents, seconds, error !== undefined);
  if (error) throw error;
  return outcome.succeeded ? 0 : 1;
}

/** Leaves at once (Ctrl-C twice), the bake untouched. */
export function leave(session: Session, output: FollowOutput, message: string): never {
  output.close();
  session.terminal.err.write(`\n${message}\n`);
  process.exit(LEFT_RUNNING);
}
