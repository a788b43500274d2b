import { parse } from 'yaml';
import { synthWorkflowFiles } from './support/bare-project';
import { IMAGES_PATHS_IGNORE, ImagesJobs, ImagesWorkflow } from '../../src/ci';
import { IMAGES_FILE } from '../../src/config/image-pins';
import { imagePins, imageRef } from '../../src/config/versions';

function synth(): string {
  return synthWorkflowFiles((project) => new ImagesWorkflow(project))['.github/workflows/images.yml'];
}
const text = synth();
const wf = parse(text);

/** GitHub's filter globs as used here: `**` any path, `*` within one segment (docs: filter pattern cheat sheet). */
function matches(pattern: string, path: string): boolean {
  const esc = (p: string) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  const re = pattern.split('**/').map((seg) => seg.split('**').map((part) => part.split('*').map(esc).join('[^/]*')).join('.*')).join('(?:.*/)?');
  return new RegExp(`^${re}$`).test(path);
}
/** True when a push changing exactly `files` would start the workflow (some file not ignored). */
const triggers = (files: string[]) => files.some((f) => !IMAGES_PATHS_IGNORE.some((p) => matches(p, f)));

describe('images workflow', () => {
  test('snapshot', () => expect(text).toMatchSnapshot());

  test('the digest commit (images.json + dist/) does not retrigger it; image sources do', () => {
    expect(wf.on.push['paths-ignore']).toEqual(IMAGES_PATHS_IGNORE);
    expect(wf.on.pull_request['paths-ignore']).toEqual(IMAGES_PATHS_IGNORE);
    expect(triggers([IMAGES_FILE, 'dist/gateway/Deployment.mlops-gateway.k8s.yaml', 'dist/mlflow/Deployment.mlflow.k8s.yaml'])).toBe(false);
    expect(triggers(['images/platform/Dockerfile'])).toBe(true);
    expect(triggers(['src/gateway/server.ts'])).toBe(true);
    expect(triggers(['package-lock.json'])).toBe(true);
    expect(triggers(['.github/workflows/images.yml'])).toBe(true);
    expect(triggers(['docs/images.md', 'README.md'])).toBe(false);
  });

  test('build → Trivy (fails on CRITICAL) → push by digest, per image; the base by digest from images.json', () => {
    for (const [id, name, arg, base] of [
      [ImagesJobs.PLATFORM, 'platform', 'NODE_IMAGE', imagePins.upstream.platformBase],
      [ImagesJobs.MLFLOW, 'mlflow', 'MLFLOW_IMAGE', imagePins.upstream.mlflowBase],
    ] as const) {
      const steps = wf.jobs[id].steps as any[];
      const build = steps.find((s) => s.name.startsWith('Build'));
      expect(build.with).toMatchObject({ file: imagePins.built[name].dockerfile, sbom: true, provenance: 'mode=max' });
      expect(build.with['build-args']).toBe(`${arg}=${imageRef(base)}`);
      const trivy = steps.find((s) => s.name === 'Trivy image scan (fails on CRITICAL)');
      expect(trivy.with).toMatchObject({ 'severity': 'CRITICAL', 'exit-code': '1' });
      const push = steps.find((s) => s.id === 'push');
      expect(push.run).toContain('--preserve-digests --digestfile');
      expect(steps.indexOf(trivy)).toBeLessThan(steps.indexOf(push));
    }
  });

  test('pin: one commit of both digests with the app token, only on main', () => {
    const pin = wf.jobs[ImagesJobs.PIN];
    expect(pin.needs).toEqual([ImagesJobs.PLATFORM, ImagesJobs.MLFLOW]);
    expect(pin.if).toContain("github.ref == 'refs/heads/main'");
    const run = (pin.steps as any[]).find((s) => s.run?.includes('pin-images')).run as string;
    expect(run).toBe('npx mlops pin-images --built "platform=${PLATFORM_IMAGE}@${PLATFORM_DIGEST}" "mlflow=${MLFLOW_IMAGE}@${MLFLOW_DIGEST}" --commit --push');
    expect(wf.jobs[ImagesJobs.GATE].needs).toEqual([ImagesJobs.PLATFORM, ImagesJobs.MLFLOW, ImagesJobs.PIN]);
  });
});
