import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { compareAssemblies, compareWithSnapshot, differences, integTests, ROOT, snapshotDirOf, UPDATE_HINT } from './integ-snapshot';

// Each integration test, synthesized as an account would deploy it, is what its committed snapshot says: a change to
// what it deploys fails here until the snapshot is written again (and, before a release, deployed).
describe.each(integTests().map((file) => [relative(ROOT, file), file]))('%s', (name, file) => {
  test('matches its snapshot', () => {
    const snapshot = relative(ROOT, snapshotDirOf(file));
    if (!existsSync(snapshotDirOf(file))) throw new Error(`${name} has no snapshot (${snapshot}). ${UPDATE_HINT}`);
    const problems = compareWithSnapshot(file);
    if (problems.length > 0) {
      throw new Error(`${name} no longer synthesizes what ${snapshot} holds:\n  ${problems.join('\n  ')}\n${UPDATE_HINT}`);
    }
  }, 300_000);
});

test('there is an integration test', () => {
  expect(integTests().map((file) => relative(ROOT, file))).toContain('test/integ.bake.ts');
});

describe('differences', () => {
  test('name the path of each changed, added and removed value', () => {
    const expected = { Resources: { Fn: { Properties: { Timeout: 60, Handler: 'index.handler' } }, Gone: {} } };
    const actual = { Resources: { Fn: { Properties: { Timeout: 90, Handler: 'index.handler' } }, New: {} } };

    expect(differences(expected, actual, [])).toEqual([
      'Resources.Fn.Properties.Timeout: 60 in the snapshot, 90 now',
      'Resources.Gone: removed',
      'Resources.New: added',
    ]);
  });
});

describe('compareAssemblies', () => {
  /** A one-stack assembly whose function's code is the asset `hash`, and whose assertion was synthesized at `salt`. */
  function assembly(hash: string, salt: string, diffAssets?: boolean): string {
    const dir = mkdtempSync(join(tmpdir(), 'assembly-'));
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'integ.json'), JSON.stringify({ version: '55.0.0', testCases: { 'Test/DefaultTest': { stacks: ['App'], assertionStack: 'Asserts', diffAssets } } }));
    writeFileSync(join(dir, 'App.assets.json'), JSON.stringify({ files: { [hash]: {} } }));
    writeFileSync(join(dir, 'App.template.json'), JSON.stringify({ Resources: { Fn: { Properties: { Code: { S3Key: `${hash}.zip` } } } } }));
    writeFileSync(join(dir, 'Asserts.assets.json'), JSON.stringify({ files: {} }));
    writeFileSync(join(dir, 'Asserts.template.json'), JSON.stringify({ Resources: { Call: { Properties: { salt } } } }));
    return dir;
  }

  test('leave out the time of synthesis that integ-tests stamps on assertions', () => {
    expect(compareAssemblies(assembly('a'.repeat(64), '1'), assembly('a'.repeat(64), '2'))).toEqual([]);
  });

  test('compare asset hashes where the test case sets diffAssets, as integ-runner does', () => {
    const [before, after] = ['a', 'b'].map((digit) => digit.repeat(64));

    expect(compareAssemblies(assembly(before, '1'), assembly(after, '1'))).toEqual([]);
    expect(compareAssemblies(assembly(before, '1', true), assembly(after, '1', true))).toEqual([
      `App.template.json: Resources.Fn.Properties.Code.S3Key: "${before}.zip" in the snapshot, "${after}.zip" now`,
    ]);
  });
});
