/**
 * SSM keeps only the first 24,000 characters of a command's output inline. A step with more output that fails
 * still shows the last lines it wrote: they come from the command-output log group.
 */
import { recipe } from './recipes';
import { simulateBake } from '../../local/simulate-bake';

test('a failing step with long output ends with its last lines, not the start SSM kept inline', async () => {
  const progress = Array.from({ length: 400 }, (_, index) => `echo "progress line ${index + 1} of a long build log, with enough words to fill it"`);
  const noisy = recipe({ steps: [{ shell: { name: 'noisy', commands: [...progress, 'echo "fatal: out of disk" >&2', 'exit 3'] } }] });

  const bake = await simulateBake({ recipe: noisy, startTime: new Date('2030-07-01T08:00:00Z') });

  expect(bake.manifest).toMatchObject({ status: 'FAILED', error: { phase: 'provision', step: 1 }, leakedResources: [] });
  const message = bake.manifest.error!.message;
  expect(message).toContain('progress line 400 of a long build log');
  expect(message).toContain('fatal: out of disk');
  expect(message).not.toContain('progress line 1 of');
  expect(message).toContain('these lines are the last the command wrote to CloudWatch Logs');
});
