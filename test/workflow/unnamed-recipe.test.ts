/** A recipe file without a usable name still bakes in the simulator, as far as Prepare, which names every problem. */
import { simulateBake } from '../../local/simulate-bake';

test('a document without a name fails in Prepare naming the field, with no EC2 call', async () => {
  const document = { schemaVersion: 1, source: { amiId: 'ami-0123456789abcdef0' }, steps: [{ shell: { commands: ['true'] } }] };

  const bake = await simulateBake({ recipe: document, startTime: new Date('2030-08-01T09:00:00Z') });

  expect(bake.manifest).toMatchObject({ status: 'FAILED', error: { phase: 'prepare' }, leakedResources: [] });
  expect(bake.manifest.error?.message).toContain('name: missing (required)');
  expect(bake.account.callCount({ service: 'ec2' })).toBe(0);
});
