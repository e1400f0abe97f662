/** The running step's output for a followed bake, read from the bakery's command-output log group. */
import { commandOutput, commandPlugin } from '../bake/command-output';
import type { LiveOutput } from '../bake/follow';
import { outputLogGroupOf } from '../find-bakery';
import type { Session } from '../session';

/** Reads the running step's lines from its log streams; undefined when the bakery's log group cannot be found. */
export async function liveOutputOf(session: Session): Promise<LiveOutput | undefined> {
  try {
    const logGroup = await outputLogGroupOf(await session.stepFunctions(), await session.bakery());
    const logs = await session.logs();
    return async (command, state) => (await commandOutput(logs, logGroup, command, commandPlugin(state, command)))
      .map((line) => line.message.replace(/\r?\n$/, ''));
  } catch {
    return undefined;
  }
}
