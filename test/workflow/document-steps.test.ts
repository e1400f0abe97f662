/**
 * Bakes with `document` steps in the simulator: AWS documents the bakery knows and the account's own, as a
 * registered recipe runs them; a bad parameter fails the bake in Prepare with nothing launched.
 */
import { recipe } from './recipes';
import { SimulatedAccount } from '../../local/model';
import { simulateBake } from '../../local/simulate-bake';
import { ProvisionStep, SourceImage } from '../../src';

const HARDEN = {
  schemaVersion: '2.2',
  parameters: { Level: { type: 'String', allowedValues: ['1', '2'] } },
  mainSteps: [{ action: 'aws:runShellScript', name: 'harden', inputs: { runCommand: ['echo hardening to level {{ Level }}', 'touch /etc/hardened'] } }],
};

describe('document steps in a bake', () => {
  test('a registered recipe runs AWS documents and the account\'s own, reboots for patches, and leaves nothing behind', async () => {
    const account = new SimulatedAccount();
    account.invoke('ssm', 'CreateDocument', { Name: 'Team-Harden', DocumentType: 'Command', Content: JSON.stringify(HARDEN) });

    const bake = await simulateBake({
      account,
      input: { recipeName: 'web' },
      configureBakery: (bakery) => bakery.addRecipe('Web', {
        recipeName: 'web',
        source: SourceImage.fromSsmParameter('/aws/service/canonical/ubuntu/server/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id'),
        steps: [
          ProvisionStep.document({ name: 'AWS-RunPatchBaseline', parameters: { Operation: ['Install'] } }),
          ProvisionStep.document({ name: 'Team-Harden', parameters: { Level: ['2'] } }),
          ProvisionStep.document({ name: 'AWS-UpdateSSMAgent' }),
        ],
      }),
    });

    expect(bake.manifest).toMatchObject({ status: 'SUCCEEDED', leakedResources: [] });
    expect(bake.manifest.steps.map((step) => [step.step, step.kind, step.status])).toEqual([
      [1, 'document', 'Success'], [2, 'document', 'Success'], [3, 'document', 'Success'],
    ]);
    const instance = [...account.region().instances.values()][0];
    expect(instance.reboots.length).toBeGreaterThanOrEqual(1);
    expect(instance.files.has('/etc/hardened')).toBe(true);
    expect([...account.region().invocations.values()].map((invocation) => invocation.documentName))
      .toEqual(['AWS-RunPatchBaseline', 'Team-Harden', 'AWS-UpdateSSMAgent']);
  });

  test('a parameter the document does not declare fails the bake in Prepare, before anything is launched', async () => {
    const bake = await simulateBake({
      recipe: recipe({ steps: [{ document: { name: 'AWS-RunPatchBaseline', parameters: { Operation: 'Install', Reboot: 'no' } } }] }),
    });

    expect(bake.manifest).toMatchObject({ status: 'FAILED', error: { phase: 'prepare' }, leakedResources: [] });
    expect(bake.manifest.error?.message).toContain('steps[0].document.parameters.Reboot: AWS-RunPatchBaseline has no parameter "Reboot"');
    expect(bake.account.callCount('RunInstances')).toBe(0);
  });
});
