/** The running step's output for a followed bake, read from the bakery's command-output log group. */
import { commandPlugin, GrowingOutput } from '../bake/command-output';
import type { LiveOutput } from '../bake/follow';
import { outputLogGroupOf } from '../find-bakery';
import type { Session } from '../session';

/** Reads the running step's lines from its log streams; undefined when the bakery's log group cannot be found. */
export async function liveOutputOf(session: Session): Promise<LiveOutput | undefined> {
  try {
    const logGroup = await outputLogGroupOf(await session.stepFunctions(), await session.bakery());
    const output = new GrowingOutput(await session.logs(), logGroup);
    return async (command, state) => (await output.of(command, commandPlugin(state, command)))
      .map((line) => line.message.replace(/\r?\n$/, ''));
  } catch {
    return undefined;
  }
}
