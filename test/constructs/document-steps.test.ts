/**
 * `ProvisionStep.document()`: the step it renders, and what registering a recipe with one lets the runner do:
 * the AWS documents the bakery knows always, an account's own document only when a registered recipe names it.
 */
import { Duration } from 'aws-cdk-lib';
import { allStatements, bakeryStack, launchEnvironment } from './stack';
import { validateRecipe } from '../../lambda/shared/validate-recipe';
import { ProvisionStep, SourceImage } from '../../src';
import { AWS_DOCUMENTS } from '../../src/recipe/aws-documents';

const harden = ProvisionStep.document({ name: 'Team-Harden', parameters: { Level: ['2'] }, timeout: Duration.minutes(20), validExitCodes: [0, 3010] });

function withRecipe(...steps: ProvisionStep[]) {
  return bakeryStack({}, (bakery) => bakery.addRecipe('Web', { source: SourceImage.fromAmiId('ami-0123456789abcdef0'), steps }));
}

function sendCommandDocuments(statements: any[]): string[] {
  return statements.filter((statement) => [statement.Action].flat().includes('ssm:SendCommand'))
    .flatMap((statement) => [statement.Resource].flat())
    .map((resource) => JSON.stringify(resource))
    .filter((resource) => resource.includes(':document/'));
}

describe('ProvisionStep.document', () => {
  test('renders a document step the recipe schema accepts', () => {
    const { bakery } = withRecipe(harden, ProvisionStep.shell({ commands: ['grep -q ok /tmp/x'], validExitCodes: [0, 1] }));
    const document = bakery.node.findChild('Web') as any;

    expect(document.document.steps).toEqual([
      { document: { name: 'Team-Harden', parameters: { Level: ['2'] }, timeoutSeconds: 1200, validExitCodes: [0, 3010] } },
      { shell: { commands: ['grep -q ok /tmp/x'], validExitCodes: [0, 1] } },
    ]);
    expect(validateRecipe(document.document).problems).toEqual([]);
  });

  test('the runner may send every AWS document the bakery knows, and no document by wildcard', () => {
    const { template } = withRecipe(ProvisionStep.shell({ commands: ['true'] }));
    const documents = sendCommandDocuments(allStatements(template));

    for (const name of Object.keys(AWS_DOCUMENTS)) expect(documents).toContainEqual(expect.stringContaining(`:document/${name}`));
    expect(documents.filter((resource) => resource.includes('document/*'))).toEqual([]);
    expect(launchEnvironment(template).COMMAND_DOCUMENTS).toBe('');
    expect(allStatements(template).some((statement) => JSON.stringify(statement.Action).includes('ssm:DescribeDocument'))).toBe(false);
  });

  test('a registered recipe\'s own document becomes one the runner may describe and send, and Prepare is told', () => {
    const shared = 'arn:aws:ssm:eu-west-1:444455556666:document/Shared-Baseline';
    const { template } = withRecipe(harden, ProvisionStep.document({ name: shared }), ProvisionStep.document({ name: 'AWS-UpdateSSMAgent' }));
    const statements = allStatements(template);
    const describe = statements.filter((statement) => [statement.Action].flat().includes('ssm:DescribeDocument'));

    expect(launchEnvironment(template).COMMAND_DOCUMENTS).toBe(`Team-Harden,${shared}`);
    expect(sendCommandDocuments(statements)).toContainEqual(JSON.stringify({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ssm:eu-west-1:111122223333:document/Team-Harden']],
    }));
    expect(sendCommandDocuments(statements)).toContainEqual(JSON.stringify(shared));
    expect(describe).toHaveLength(1);
    expect(JSON.stringify(describe[0].Resource)).toContain('document/Team-Harden');
    expect(describe[0].Resource).toContainEqual(shared);
  });
});
