import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  BUILT_IMAGE_NAMES, formatImagePins, IMAGES_FILE, ImagePins, isPlaceholder, parseImagePins, PLACEHOLDER_DIGEST,
} from '../../src/config/image-pins';
import { imagePins } from '../../src/config/versions';
import { checkPins } from '../../src/oci/pin-images';

const ROOT = join(__dirname, '..', '..');
const text = readFileSync(join(ROOT, IMAGES_FILE), 'utf8');

describe('src/config/images.json', () => {
  test('is valid, and committed exactly as the tools format it', () => {
    expect(formatImagePins(parseImagePins(text))).toBe(text);
  });

  test('invalid pins are refused with the field named', () => {
    const bad = JSON.parse(text) as ImagePins;
    (bad.upstream.seaweedfs as { digest: string }).digest = 'sha256:abc';
    expect(() => parseImagePins(JSON.stringify(bad))).toThrow('upstream.seaweedfs.digest: must be "sha256:" followed by 64 lowercase hex');
    const extra = JSON.parse(text) as Record<string, Record<string, unknown>>;
    extra.upstream.nginx = { repository: 'docker.io/library/nginx', tag: '1', digest: PLACEHOLDER_DIGEST };
    expect(() => parseImagePins(JSON.stringify(extra))).toThrow('upstream: Unrecognized key: "nginx"');
    const tagged = JSON.parse(text) as ImagePins;
    (tagged.upstream.postgres as { repository: string }).repository = 'ghcr.io/cloudnative-pg/postgresql:17.5';
    expect(() => parseImagePins(JSON.stringify(tagged))).toThrow('upstream.postgres.repository: must be REGISTRY/PATH');
  });

  test('each Dockerfile builds FROM its base argument, which has no default (images.json is the one pin)', () => {
    for (const [file, name] of [['images/platform/Dockerfile', 'NODE_IMAGE'], ['images/mlflow/Dockerfile', 'MLFLOW_IMAGE']]) {
      const dockerfile = readFileSync(join(ROOT, file), 'utf8');
      expect(dockerfile).toMatch(new RegExp(`^ARG ${name}$`, 'm'));
      expect(dockerfile.match(/^FROM (\S+)/gm)?.every((l) => l.startsWith(`FROM \${${name}}`))).toBe(true);
    }
    const arg = (file: string, name: string) => new RegExp(`^ARG ${name}=(\\S+)$`, 'm').exec(readFileSync(join(ROOT, file), 'utf8'))?.[1];
    expect(arg('model/Dockerfile', 'PYTHON_IMAGE')).toBe(`python:${imagePins.upstream.modelBase.tag}@${imagePins.upstream.modelBase.digest}`);
    // The MLflow server is the training client's version (model/requirements/train.txt).
    const train = readFileSync(join(ROOT, 'model/requirements/train.txt'), 'utf8');
    const clientVersion = /^mlflow==(\S+)/m.exec(train)?.[1];
    expect(imagePins.upstream.mlflowBase.tag).toBe(`v${clientVersion}`);
    expect(readFileSync(join(ROOT, 'images/mlflow/requirements.txt'), 'utf8')).toContain(`mlflow==${clientVersion}`);
  });

  test('the built images are the two listed by name, each with its Dockerfile', () => {
    expect(Object.keys(imagePins.built).sort()).toEqual([...BUILT_IMAGE_NAMES].sort());
    for (const b of Object.values(imagePins.built)) expect(readFileSync(join(ROOT, b.dockerfile), 'utf8')).toMatch(/^FROM /m);
  });

  test('no placeholder digest in dist/ that is not explained: only built images not built yet, or the model release', () => {
    const release = JSON.parse(readFileSync(join(ROOT, 'src/config/release.json'), 'utf8')) as { image: string; digest: string };
    const allowed = [
      ...Object.values(imagePins.built).filter((b) => isPlaceholder(b.digest)).map((b) => b.repository),
      ...(isPlaceholder(release.digest) ? [release.image] : []),
    ];
    const hits = execFileSync('git', ['grep', '-h', '-o', `[^ "']*@${PLACEHOLDER_DIGEST}`, '--', 'dist'], { cwd: ROOT, encoding: 'utf8' })
      .trim().split('\n').filter(Boolean);
    expect(hits.length).toBeGreaterThan(0);
    for (const hit of hits) expect(allowed).toContain(hit.split('@')[0].replace(/:[^/:]+$/, ''));
  });

  test('--check --offline: valid, reports what waits for pin-images and which images are not built yet', async () => {
    const r = await checkPins(ROOT, true);
    expect(r.exitCode).toBe(0);
    expect(r.message).toContain('src/config/images.json: valid');
    for (const name of BUILT_IMAGE_NAMES.filter((n) => isPlaceholder(imagePins.built[n].digest))) expect(r.message).toContain(name);
  });
});
