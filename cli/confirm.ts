/** A yes/no question on stderr, answered on stdin. */
import { createInterface } from 'node:readline';

/** `yes` or `no` (also when stdin ends unanswered); `interrupted` when Ctrl-C is pressed while it is asked. */
export type Answer = 'yes' | 'no' | 'interrupted';

export function confirm(question: string): Promise<Answer> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: process.stdin.isTTY === true });
    let answer: Answer | undefined;
    const settle = (value: Answer) => {
      if (answer !== undefined) return;
      answer = value;
      rl.close();
      // The question is asked once: stdin must not keep the CLI running once the bake has ended.
      (process.stdin as { unref?: () => void }).unref?.();
      resolve(value);
    };
    rl.on('SIGINT', () => settle('interrupted'));
    rl.on('close', () => settle('no'));
    rl.question(`${question} [y/N] `, (text) => {
      // A terminal echoes the answer and its newline; an answer piped in is not echoed.
      if (process.stdin.isTTY !== true) process.stderr.write('\n');
      settle(/^\s*y(es)?\s*$/i.test(text) ? 'yes' : 'no');
    });
  });
}
