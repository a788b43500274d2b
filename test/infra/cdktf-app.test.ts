import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '../..');
const cdktfJson = JSON.parse(readFileSync(join(root, 'cdktf.json'), 'utf8'));
const tasks = JSON.parse(readFileSync(join(root, '.projen/tasks.json'), 'utf8')).tasks;

describe('cdktf.json', () => {
  test('`cdktf synth` runs the same entry point as `npx projen synth:infra`', () => {
    const taskCommand = tasks['synth:infra'].steps[0].exec;
    expect(taskCommand).toBe('ts-node --transpile-only src/infra/main.ts');
    expect(cdktfJson.app).toBe(`npx ${taskCommand}`);
    expect(cdktfJson.output).toBe('cdktf.out');
  });

  test('lists no provider, so `cdktf get` never reaches for the network (the pin lives in the bindings)', () => {
    expect(cdktfJson.terraformProviders).toEqual([]);
    expect(cdktfJson.terraformModules).toEqual([]);
  });

  test('cdktf.out/ and state files are git-ignored', () => {
    const gitignore = readFileSync(join(root, '.gitignore'), 'utf8').split('\n');
    expect(gitignore).toEqual(expect.arrayContaining(['/cdktf.out/', '*.tfstate', '*.tfstate.*']));
  });
});
