import { github } from 'projen';
import { uses } from './actions';
import { checkout, HOSTED_RUNNER, job, NOT_FROM_FORK } from './jobs';

const { JobPermission } = github.workflows;

/** The model image on GHCR (lowercased at run time: GHCR rejects uppercase owners). */
export const DEFAULT_IMAGE = 'ghcr.io/${{ github.repository }}/credit-risk-model';

export interface ImageJobOptions {
  /** Build context with the Dockerfile; the trained model is downloaded into `<modelDir>/artifacts`. */
  readonly modelDir: string;
  /** Image repository without tag (may contain expressions). */
  readonly image: string;
  /** Id of the job that trained the model (outputs `model-version`, `run-id`; artifact `model-artifacts`). */
  readonly trainJob: string;
  /** Expression: when the scanned image is pushed to GHCR. */
  readonly pushIf: string;
}

/**
 * Build → scan → push, in one job so the bytes pushed are the bytes scanned: Buildx builds an OCI
 * archive (gha cache, SBOM and max provenance attestations, OCI labels with the MLflow model
 * version and run id), Trivy scans the archive and fails on CRITICAL (SARIF to code scanning),
 * then skopeo copies the archive to GHCR with digests preserved. Outputs `image` and `digest`.
 */
export function imageJob(options: ImageJobOptions): github.workflows.Job {
  const train = options.trainJob;
  return job({
    name: 'image: build (SBOM, provenance) → Trivy → push by digest',
    runsOn: HOSTED_RUNNER,
    // packages: write pushes to GHCR (release only); security-events: write uploads Trivy's SARIF.
    permissions: { contents: JobPermission.READ, packages: JobPermission.WRITE, securityEvents: JobPermission.WRITE },
    timeoutMinutes: 40,
    needs: [train],
    env: {
      MODEL_VERSION: `\${{ needs.${train}.outputs.model-version }}`,
      RUN_ID: `\${{ needs.${train}.outputs.run-id }}`,
    },
    outputs: {
      image: { stepId: 'names', outputName: 'image' },
      digest: { stepId: 'push', outputName: 'digest' },
    },
    steps: [
      checkout(),
      {
        name: 'Trained model',
        uses: uses('downloadArtifact'),
        with: { name: 'model-artifacts', path: `${options.modelDir}/artifacts` },
      },
      {
        id: 'names',
        name: 'Image name (GHCR needs lowercase)',
        env: { IMAGE: options.image },
        run: 'echo "image=${IMAGE,,}" >> "$GITHUB_OUTPUT"',
      },
      { name: 'Set up Buildx', uses: uses('setupBuildx') },
      {
        name: 'Build (OCI archive, SBOM, provenance)',
        uses: uses('buildPush'),
        with: {
          'context': options.modelDir,
          'file': `${options.modelDir}/Dockerfile`,
          'outputs': 'type=oci,dest=${{ runner.temp }}/image.tar',
          'sbom': true,
          'provenance': 'mode=max',
          'cache-from': 'type=gha',
          'cache-to': 'type=gha,mode=max',
          // model/Dockerfile turns these into its OCI labels (io.mlflow.model.version, io.mlflow.run.id, revision).
          'build-args': ['MLFLOW_MODEL_VERSION=${{ env.MODEL_VERSION }}', 'MLFLOW_RUN_ID=${{ env.RUN_ID }}', 'GIT_SHA=${{ github.sha }}'].join('\n'),
          'labels': [
            'org.opencontainers.image.source=${{ github.server_url }}/${{ github.repository }}',
            'org.opencontainers.image.revision=${{ github.sha }}',
            'io.mlflow.model.version=${{ env.MODEL_VERSION }}',
            'io.mlflow.run.id=${{ env.RUN_ID }}',
          ].join('\n'),
        },
      },
      ...scanAndPushSteps({ sarifCategory: 'trivy-image', pushIf: options.pushIf, tag: 'sha-${GITHUB_SHA}-run-${GITHUB_RUN_ID}' }),
    ],
  });
}

export interface ScanAndPushOptions {
  /** Code scanning category of the Trivy SARIF (one per image). */
  readonly sarifCategory: string;
  /** Expression: when the scanned image is pushed to GHCR. */
  readonly pushIf: string;
  /** The tag the push adds (shell syntax; it only keeps GHCR from garbage-collecting the digest). */
  readonly tag: string;
}

/**
 * After a Buildx step that wrote `${{ runner.temp }}/image.tar` and a step `names` with output `image`:
 * Trivy on the archive (fails on CRITICAL; SARIF to code scanning; CRITICAL and HIGH as a table in the
 * log), then skopeo pushes exactly those bytes to GHCR with digests preserved (step `push`, output `digest`).
 */
export function scanAndPushSteps(options: ScanAndPushOptions): github.workflows.JobStep[] {
  return [
    {
      name: 'Trivy image scan (fails on CRITICAL)',
      uses: uses('trivy'),
      with: {
        'input': '${{ runner.temp }}/image.tar',
        'severity': 'CRITICAL',
        'exit-code': '1',
        'ignore-unfixed': true,
        'format': 'sarif',
        'output': 'trivy.sarif',
      },
    },
    {
      name: 'Trivy findings in the log (CRITICAL and HIGH)',
      if: 'always()',
      uses: uses('trivy'),
      with: {
        'input': '${{ runner.temp }}/image.tar',
        'severity': 'CRITICAL,HIGH',
        'format': 'table',
        'exit-code': '0',
        'skip-setup-trivy': true,
      },
    },
    {
      name: 'Upload Trivy SARIF',
      if: `always() && hashFiles('trivy.sarif') != '' && (${NOT_FROM_FORK})`,
      uses: uses('uploadSarif'),
      with: { sarif_file: 'trivy.sarif', category: options.sarifCategory },
    },
    {
      name: 'Log in to GHCR',
      if: options.pushIf,
      uses: uses('dockerLogin'),
      with: { registry: 'ghcr.io', username: '${{ github.actor }}', password: '${{ secrets.GITHUB_TOKEN }}' },
    },
    {
      id: 'push',
      name: 'Push the scanned image by digest',
      if: options.pushIf,
      env: { IMAGE: '${{ steps.names.outputs.image }}' },
      run: [
        'set -euo pipefail',
        // The exact bytes Trivy scanned, digests preserved; the tag only keeps GHCR from garbage-collecting it.
        `skopeo copy --all --preserve-digests --digestfile digest.txt "oci-archive:\${RUNNER_TEMP}/image.tar" "docker://\${IMAGE}:${options.tag}"`,
        'echo "digest=$(cat digest.txt)" >> "$GITHUB_OUTPUT"',
        'echo "pushed ${IMAGE}@$(cat digest.txt)" >> "$GITHUB_STEP_SUMMARY"',
      ].join('\n'),
    },
  ];
}
