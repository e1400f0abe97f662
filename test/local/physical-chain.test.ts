import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { physicalChain } from '../../local/physical-chain';
import { simulateBake } from '../../local/simulate-bake';

const example = (file: string) => JSON.parse(readFileSync(join(__dirname, '..', '..', 'examples', 'recipes', file), 'utf8'));

test('the physical chain of a bake is its instance\'s boot, each command, the stop and the image, one after the other', async () => {
  const bake = await simulateBake({ recipe: example('nginx.json'), seed: 4 });
  const chain = physicalChain(bake.account, bake.executionName);

  expect(chain.links.map((link) => link.what.replace(/(i|ami)-[0-9a-f]+|[0-9a-f-]{36}/g, '<id>'))).toEqual([
    '<id> launch until agent online', 'command <id>', 'command <id>', 'command <id>', '<id> stop', 'image <id>',
  ]);
  expect(chain.links.every((link) => link.seconds > 0)).toBe(true);
  expect(chain.seconds).toBeLessThan(bake.simulatedSeconds);
  const instance = [...bake.account.region().instances.values()][0];
  const commands = [...bake.account.region().invocations.values()].map((invocation) => (invocation.endAt - invocation.sentAt) / 1000);
  expect(chain.links.filter((link) => link.what.startsWith('command ')).map((link) => link.seconds)).toEqual(commands);
  expect(chain.links[0].seconds).toBe((instance.state.firstAt('running')! + instance.agentDelayMs - instance.createdAt) / 1000);
});

test('copies wait side by side, so only the slowest is in the chain', async () => {
  const bake = await simulateBake({ recipe: example('web-distributed.json'), seed: 4 });
  const copies = physicalChain(bake.account, bake.executionName).links.filter((link) => link.what.startsWith('copy '));

  expect(copies).toHaveLength(1);
  const allCopies = ['eu-west-1', 'ap-southeast-2'].flatMap((region) => [...bake.account.region(region).images.values()].filter((image) => image.copy));
  expect(allCopies).toHaveLength(2);
  const slowest = Math.max(...allCopies.map((image) => (image.state.firstAt('available')! - image.createdAt) / 1000));
  expect(copies[0].seconds).toBe(slowest);
});

test('a bake counts its runner invocations and their simulated time', async () => {
  const bake = await simulateBake({ recipe: example('nginx.json'), seed: 4 });
  const scheduled = bake.history.filter((event) => event.type === 'LambdaFunctionScheduled').length;

  // The workflow's invocations are in its history; EventBridge's come on top: one per awaited wait (three steps, the
  // stop, the image).
  expect(bake.lambda.invocations - scheduled).toBe(5);
  // One invocation at a time (no copies): their simulated time is part of the bake's, spent on the AWS calls they make.
  expect(bake.lambda.milliseconds).toBeGreaterThan(bake.lambda.invocations);
  expect(bake.lambda.milliseconds).toBeLessThan(bake.simulatedSeconds * 1000);
});
