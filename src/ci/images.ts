import { Component, github, Project } from 'projen';
import { IMAGES_FILE, isPlaceholder, UpstreamImageName } from '../config/image-pins';
import { imageRef, imagePins } from '../config/versions';
import { uses } from './lib/actions';
import { scanAndPushSteps } from './lib/image';
import { appToken, checkout, gateJob, gitCredentials, gitIdentity, HOSTED_RUNNER, job, READ_ONLY, setupNode } from './lib/jobs';
import { createWorkflow } from './lib/workflow';

const { JobPermission } = github.workflows;

/** Job ids of `images`. */
export const ImagesJobs = {
  PLATFORM: 'platform',
  MLFLOW: 'mlflow',
  PIN: 'pin',
  GATE: 'gate',
} as const;

/**
 * Paths whose change never needs a new image. The pin file and dist/ are first: they are exactly what the
 * digest commit of the `pin` job changes, so that commit does not run this workflow again (a test checks).
 */
export const IMAGES_PATHS_IGNORE = [IMAGES_FILE, 'dist/**', 'docs/**', '**/*.md', 'model/**', 'test/**', 'bench/**'];

export interface ImagesWorkflowOptions {
  /** Branch whose pushes publish the images and commit their digests. @default "main" */
  readonly branch?: string;
}

/** One image this workflow builds: the entry in images.json plus the GHCR name it is pushed under. */
interface ImageBuild {
  readonly jobId: string;
  /** Key in images.json `built`. */
  readonly name: 'platform' | 'mlflow';
  /** Last path segment under ghcr.io/<owner>/<repo>/. */
  readonly ghcrName: string;
  /** The Dockerfile's base-image ARG and the images.json entry it gets (by digest) as a build argument. */
  readonly baseArg: { readonly name: string; readonly image: UpstreamImageName };
}

/**
 * `images`: builds the images this repository owns (images/platform: the `mlops` CLI and gateway;
 * images/mlflow: MLflow with the PostgreSQL driver and boto3). Each job builds an OCI archive with Buildx
 * (SBOM and max provenance attestations), scans exactly that archive with Trivy (fails on CRITICAL), and on
 * the release branch pushes it by digest to GHCR. Then `pin` writes both digests into src/config/images.json,
 * re-synthesizes dist/ and commits once (`mlops pin-images --built`, the data-file commit `bump-image` uses).
 * Pull requests build and scan only. Hosted runners: a build needs nothing from the homelab.
 */
export class ImagesWorkflow extends Component {
  public readonly workflow: github.GithubWorkflow;
  private readonly onRelease: string;
  private readonly branch: string;

  constructor(project: Project, options: ImagesWorkflowOptions = {}) {
    super(project);
    this.branch = options.branch ?? 'main';
    this.onRelease = `github.event_name != 'pull_request' && github.ref == 'refs/heads/${this.branch}'`;
    this.workflow = createWorkflow(project, {
      name: 'images',
      triggers: {
        push: { branches: [this.branch] },
        pullRequest: {},
        workflowDispatch: {},
      },
      // Queued, never cancelled, on the branch: a push must not be cut off between pushing and pinning.
      concurrency: {
        group: '${{ github.workflow }}-${{ github.ref }}',
        cancelInProgress: "${{ github.event_name == 'pull_request' }}",
      },
    });
    // projen's trigger model has no paths-ignore; GitHub's schema does (on.<push|pull_request>.paths-ignore).
    this.workflow.file?.addOverride('on.push.paths-ignore', IMAGES_PATHS_IGNORE);
    this.workflow.file?.addOverride('on.pull_request.paths-ignore', IMAGES_PATHS_IGNORE);
    const builds: ImageBuild[] = [
      { jobId: ImagesJobs.PLATFORM, name: 'platform', ghcrName: 'mlops', baseArg: { name: 'NODE_IMAGE', image: 'platformBase' } },
      { jobId: ImagesJobs.MLFLOW, name: 'mlflow', ghcrName: 'mlflow', baseArg: { name: 'MLFLOW_IMAGE', image: 'mlflowBase' } },
    ];
    this.workflow.addJobs({
      ...Object.fromEntries(builds.map((b) => [b.jobId, this.buildJob(b)])),
      [ImagesJobs.PIN]: this.pinJob(builds),
      [ImagesJobs.GATE]: gateJob([...builds.map((b) => b.jobId), ImagesJobs.PIN]),
    });
  }

  private buildJob(b: ImageBuild): github.workflows.Job {
    const pin = imagePins.built[b.name];
    // The base comes from images.json as a build argument: a new base digest changes this file, so the
    // images are rebuilt, while the digest commit of `pin` (built entries only) does not.
    const base = imagePins.upstream[b.baseArg.image];
    const archive = '${{ runner.temp }}/image.tar';
    return job({
      name: `${b.name}: build (SBOM, provenance) → Trivy → push by digest`,
      runsOn: HOSTED_RUNNER,
      // packages: write pushes to GHCR (release branch only); security-events: write uploads Trivy's SARIF.
      permissions: { contents: JobPermission.READ, packages: JobPermission.WRITE, securityEvents: JobPermission.WRITE },
      timeoutMinutes: 45,
      outputs: {
        image: { stepId: 'names', outputName: 'image' },
        digest: { stepId: 'push', outputName: 'digest' },
      },
      steps: [
        checkout(),
        ...this.basePinnedStep(base),
        {
          id: 'names',
          name: 'Image name (GHCR needs lowercase)',
          env: { IMAGE: `ghcr.io/\${{ github.repository }}/${b.ghcrName}` },
          run: 'echo "image=${IMAGE,,}" >> "$GITHUB_OUTPUT"',
        },
        { name: 'Set up Buildx', uses: uses('setupBuildx') },
        {
          name: 'Build (OCI archive, SBOM, provenance)',
          uses: uses('buildPush'),
          with: {
            'context': pin.context,
            'file': pin.dockerfile,
            'platforms': 'linux/amd64',
            'outputs': `type=oci,dest=${archive}`,
            'build-args': `${b.baseArg.name}=${imageRef(base)}`,
            'sbom': true,
            'provenance': 'mode=max',
            'cache-from': `type=gha,scope=${b.name}`,
            'cache-to': `type=gha,scope=${b.name},mode=max`,
            'labels': [
              'org.opencontainers.image.source=${{ github.server_url }}/${{ github.repository }}',
              'org.opencontainers.image.revision=${{ github.sha }}',
            ].join('\n'),
          },
        },
        ...scanAndPushSteps({ sarifCategory: `trivy-${b.name}`, pushIf: this.onRelease, tag: 'sha-${GITHUB_SHA}' }),
      ],
    });
  }

  /** A base still at the placeholder digest cannot be pulled: fail first, saying what to run. */
  private basePinnedStep(base: { repository: string; tag?: string; digest: string }): github.workflows.JobStep[] {
    if (!isPlaceholder(base.digest)) return [];
    return [{
      name: 'Base image pinned',
      run: `echo "::error::${base.repository}:${base.tag} has the placeholder digest in ${IMAGES_FILE}: run npx mlops pin-images and commit" && exit 1`,
    }];
  }

  private pinJob(builds: ImageBuild[]): github.workflows.Job {
    const env: Record<string, string> = {};
    const args: string[] = [];
    for (const b of builds) {
      const v = b.name.toUpperCase();
      env[`${v}_IMAGE`] = `\${{ needs.${b.jobId}.outputs.image }}`;
      env[`${v}_DIGEST`] = `\${{ needs.${b.jobId}.outputs.digest }}`;
      args.push(`"${b.name}=\${${v}_IMAGE}@\${${v}_DIGEST}"`);
    }
    return job({
      name: `pin: digests → ${IMAGES_FILE} + dist/ (one commit)`,
      runsOn: HOSTED_RUNNER,
      // The push is made with the GitHub App token (protected main); GITHUB_TOKEN itself only reads. The commit
      // changes only paths in IMAGES_PATHS_IGNORE, so it does not start this workflow again.
      permissions: READ_ONLY,
      timeoutMinutes: 15,
      needs: builds.map((b) => b.jobId),
      if: this.onRelease,
      steps: [
        // The App token is minted after npm ci and reaches git only then: install scripts never see it.
        checkout({ fullHistory: true, ref: this.branch }),
        ...setupNode(),
        appToken({ contents: 'write' }),
        gitIdentity(),
        gitCredentials(),
        {
          name: 'mlops pin-images --built … --commit --push',
          env,
          run: `npx mlops pin-images --built ${args.join(' ')} --commit --push`,
        },
      ],
    });
  }
}
