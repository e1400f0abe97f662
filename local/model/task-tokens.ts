/**
 * Task tokens of `.waitForTaskToken` tasks, as Step Functions keeps them: issued when the task starts, closed by
 * `SendTaskSuccess` or `SendTaskFailure`, or by the task's timeout. A token sent after its task closed answers
 * `TaskTimedOut`, as AWS does, so a late or repeated resume changes nothing.
 */
import type { OperationContext } from './context';
import { sfnError } from './errors';

/** How a task waiting for its token ended. */
export type TokenOutcome =
  | { readonly status: 'succeeded'; readonly output: unknown }
  | { readonly status: 'failed'; readonly error: string; readonly cause: string };

interface OpenTask {
  /** Virtual time after which the task has timed out. */
  readonly expiresAt: number;
  readonly settle: (outcome: TokenOutcome) => void;
}

/** Step Functions' limit on a task's output, as on every state's payload. */
const MAX_OUTPUT_BYTES = 262_144;

export class TaskTokens {
  private readonly open = new Map<string, OpenTask>();
  private issued = 0;

  /**
   * A new token for a task that times out at `expiresAt`, and the promise of its outcome. Tokens are long and
   * opaque, as AWS's are (they fit in no tag or SSM comment).
   */
  issue(execution: string, expiresAt: number): { readonly token: string; readonly outcome: Promise<TokenOutcome> } {
    const token = `AQ${Buffer.from(`${execution}#${++this.issued}`).toString('base64url')}`.padEnd(640, 'A');
    const outcome = new Promise<TokenOutcome>((settle) => this.open.set(token, { expiresAt, settle }));
    return { token, outcome };
  }

  /** Forgets a task that ended some other way (timed out, or the execution stopped). */
  close(token: string): void {
    this.open.delete(token);
  }

  /** `SendTaskSuccess`. */
  succeed(ctx: OperationContext, input: { taskToken?: string; output?: string }): object {
    let output: unknown;
    try {
      output = JSON.parse(input.output ?? '');
    } catch {
      throw sfnError('InvalidOutput', 'Invalid Output: the output must be JSON');
    }
    if (Buffer.byteLength(input.output ?? '') > MAX_OUTPUT_BYTES) throw sfnError('InvalidOutput', 'Invalid Output: over 262144 bytes');
    this.take(ctx, input.taskToken).settle({ status: 'succeeded', output });
    return {};
  }

  /** `SendTaskFailure`. */
  fail(ctx: OperationContext, input: { taskToken?: string; error?: string; cause?: string }): object {
    this.take(ctx, input.taskToken).settle({ status: 'failed', error: input.error ?? '', cause: input.cause ?? '' });
    return {};
  }

  private take(ctx: OperationContext, token: string | undefined): OpenTask {
    if (!token || token.length > 1024) throw sfnError('InvalidToken', 'Invalid Token: the task token is malformed');
    const task = this.open.get(token);
    if (!task || ctx.now >= task.expiresAt) {
      this.open.delete(token ?? '');
      throw sfnError('TaskTimedOut', 'Task Timed Out: the task this token belongs to has ended');
    }
    this.open.delete(token);
    return task;
  }
}

/** Where the account keeps them. */
export interface TaskTokenDirectory {
  readonly taskTokens: TaskTokens;
}
