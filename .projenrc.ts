import { javascript, typescript } from 'projen';
import {
  ActionlintConfig,
  AlertAnalysisWorkflow,
  DistDiffWorkflow,
  DriftAnalysisWorkflow,
  ImagesWorkflow,
  ModelPipelineWorkflow,
  PlatformCiWorkflow,
  RenovateWorkflow,
  RetrainWorkflow,
  TriageWorkflow,
} from './src/ci';
import { loadSiteFile } from './src/config/site';

// The one place project configuration is written. Everything it generates
// (package.json, tsconfig*, jest/eslint config, .npmrc, .gitattributes,
// .github/workflows/*) is marked generated and must not be hand-edited.
const project = new typescript.TypeScriptAppProject({
  name: 'self-healing-mlops',
  description: 'AI-augmented, self-healing MLOps platform as code: Proxmox → K3s → ArgoCD, generated from TypeScript.',
  defaultReleaseBranch: 'main',
  projenrcTs: true,
  packageManager: javascript.NodePackageManager.NPM,
  minNodeVersion: '20.19.0',
  // TypeScript 7 breaks ts-node, which projen runs .projenrc.ts with.
  typescriptVersion: '~5.9.3',
  projenVersion: '0.103.25',
  licensed: true,
  license: 'Apache-2.0',
  copyrightOwner: 'self-healing-mlops authors',

  // Our workflows are typed components (src/ci/); projen's own defaults are off.
  github: true,
  buildWorkflow: false,
  release: false,
  depsUpgrade: false,
  pullRequestTemplate: false,
  githubOptions: { mergify: false, pullRequestLint: false },
  sampleCode: false,
  // dist/ holds the committed, synthesized manifests ArgoCD syncs; npm package artifacts go elsewhere.
  artifactsDirectory: 'build-artifacts',
  // Linting is eslint; prettier stays off so generated files are not reformatted.
  eslint: true,
  prettier: false,

  deps: [
    'cdk8s@^2.70.0',
    'cdk8s-plus-30@^2.4.10',
    'constructs@^10.4.2',
    'cdktf@0.21.0',
    'zod@^4.1.0',
    'yaml@^2.8.0',
    // commander 15 needs Node 22.
    'commander@^14.0.0',
    // 13.x needs Node 22 (segfaults on 20).
    'better-sqlite3@^12.4.1',
    // 3.x needs Node 22.
    '@google/genai@~2.32.0',
    // 7.x needs Node 22.
    'openai@^6.0.0',
    // 21+ is ESM-only, which jest's CommonJS runtime cannot load.
    '@octokit/rest@^20.1.2',
    '@slack/web-api@^7.0.0',
    'prom-client@^15.1.3',
    // 1.x is ESM-only, which jest's CommonJS runtime cannot load.
    '@kubernetes/client-node@~0.22.3',
    // Drift statistics: maintained special functions (chi-squared/normal tails) and a fast CSV parser.
    '@stdlib/math-base-special-gammainc@^0.3.1',
    '@stdlib/math-base-special-erfc@^0.2.5',
    'papaparse@^5.5.3',
    // Kolmogorov distribution (Marsaglia-Tsang-Wang) for the asymptotic two-sample KS p-value.
    '@stdlib/stats-kstest@~0.2.3',
  ],
  devDeps: [
    'cdk8s-cli@^2.200.0',
    'ajv@^8.17.0',
    'ajv-formats@^3.0.1',
    '@types/better-sqlite3@^7.6.13',
    'autocannon@^8.0.0',
    '@types/autocannon@^7.12.7',
    '@types/papaparse@^5.5.2',
    // ts-node --swc: transpiles the 5 MB KServe CRD bindings in ~0.3 s instead of ~4 s (synth time).
    '@swc/core@^1.16.22',
  ],

  tsconfig: {
    compilerOptions: {
      rootDir: '.',
      // Large generated CRD bindings; skipLibCheck keeps tsc fast.
      skipLibCheck: true,
      esModuleInterop: true,
      resolveJsonModule: true,
      lib: ['es2022'],
      target: 'ES2022',
      noUnusedLocals: true,
      noUnusedParameters: true,
    },
    // demo/ and bench/ are outside the product (src/) but type-checked and linted with it.
    include: ['imports/**/*.ts', 'bench/**/*.ts', 'demo/**/*.ts'],
  },
  tsconfigDev: {
    compilerOptions: {},
    include: ['imports/**/*.ts', 'bench/**/*.ts', 'demo/**/*.ts', 'scripts/**/*.ts'],
  },

  jest: true,
  jestOptions: {
    // A test run that collects nothing is a failure, not a pass.
    passWithNoTests: false,
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    jestConfig: {
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      testTimeout: 120_000,
      maxWorkers: 2,
      // Tests read the site fixture, not the checkout's site.yaml (a fork's edits keep the suite green).
      setupFiles: ['<rootDir>/test/config/site-env.setup.ts'],
    },
  },
  tsJestOptions: {
    // Type checking is done once by `tsc --noEmit`; per-file transpilation keeps jest fast
    // with the large generated CRD bindings.
    transformOptions: { isolatedModules: true },
  },
  gitignore: [
    '/.venvs/',
    '/cdktf.out/',
    '*.tfstate',
    '*.tfstate.*',
    '/.gateway-state/',
    '/reports/',
    '/demo-output/',
    '__pycache__/',
    '*.pyc',
    '/model/mlruns/',
    '/model/artifacts/',
    '.pytest_cache/',
  ],
});

// engine-strict turns "this package needs Node 22" into an install error instead of a runtime crash.
project.npmrc.addConfig('engine-strict', 'true');

// Dependency install scripts, reviewed one by one. npm ≥ 11.16 reads package.json's `allowScripts`
// (name → true runs it, false skips it silently) and warns about every uncovered package; npm 12 skips
// uncovered ones (npm docs: commands/npm-install-scripts.md and using-npm/config.md
// `strict-allow-scripts`, npm 11.19.1; npm/cli#9360). Name-only keys: the lockfile already pins each
// version and its integrity. test/setup/allow-scripts.test.ts fails when the lockfile gains a package
// with an install script that is not listed here.
project.package.addField('allowScripts', {
  // install: prebuild-install || node-gyp rebuild: the native SQLite binding the gateway's outbox needs.
  'better-sqlite3': true,
  // postinstall: checks the native swc binary loads, else fetches @swc/wasm (ts-node --swc in synth).
  '@swc/core': true,
  // install: builds from source only when npm_config_build_from_source=true; the prebuilt binary comes
  // from its optional @parcel/watcher-<platform> dependency (jest-haste-map, watch mode only).
  '@parcel/watcher': false,
  // preinstall: `echo 'preinstall: no-op'`.
  '@google/genai': false,
  // postinstall: only prints a warning when a dependent uses an old version scheme.
  'protobufjs': false,
});

// Generated output no reviewer reads is marked so GitHub collapses it (imports/; projen marks .projen/
// and its other files itself; *.snap is marked too). dist/ and the workflows are NOT marked: their
// diff is what a pull request review is about (see the workflow section below).
project.gitattributes.addAttributes('/imports/**', 'linguist-generated');
// projen's TypeScript project ignores /dist/ (its default package output); here dist/ is committed.
project.gitignore.removePatterns('/dist/');
project.gitignore.include('/dist/');

// CRD bindings: imports/ from the vendored CRD files listed in cdk8s.yaml (vendor/crds/). Deterministic;
// committed; core kinds come from cdk8s-plus-30 (never `cdk8s import k8s`).
project.addTask('import', {
  description: 'Regenerate the CRD bindings in imports/ from the CRD files listed in cdk8s.yaml',
  exec: 'cdk8s import --no-check-upgrade --language typescript --output imports',
});

// vendor/ holds the upstream files build and tests read (CRDs, provider docs), so a clone needs nothing
// beside it. This re-downloads them at the tags in src/config/versions.ts (`vendoredUpstreams`); it needs
// network access to GitHub and fails without touching vendor/ when there is none.
project.addTask('vendor:refresh', {
  description: 'Re-download vendor/ from upstream at the tags pinned in src/config/versions.ts (needs GitHub access)',
  exec: 'ts-node --transpile-only scripts/vendor/refresh.ts',
});
project.eslint?.addIgnorePattern('imports/');
// The demo (npm run demo) lives outside src/ with the loopback fakes it shares with test/.
project.eslint?.addLintPattern('demo');

// The never-import rules of the runtime's parts (docs/architecture.md), checked on every lint:
// the core knows no command line and no analysis; no analysis imports another; analyses and the
// gateway share src/contracts and talk HTTP; manifests read config and contracts only; contracts
// stand on config alone; nothing shipped imports the demo, the tests or the benchmarks.
const analyses = ['triage', 'alerts', 'drift'];
const zone = (target: string, from: string[], message: string) => ({ target: `./src/${target}`, from: from.map((f) => (f.startsWith('.') ? f : `./src/${f}`)), message });
project.eslint?.addRules({
  'import/no-restricted-paths': ['error', {
    zones: [
      zone('analysis', ['cli', 'gateway', ...analyses], 'the analysis core depends on no command line, analysis or service'),
      ...analyses.map((a) => zone(a, ['cli', 'gateway', ...analyses.filter((b) => b !== a)], 'an analysis imports neither another analysis, the gateway nor the CLI')),
      zone('gateway', ['cli', 'analysis', ...analyses], 'the gateway imports no analysis: they share src/contracts and talk HTTP'),
      ...['k8s', 'infra', 'ci'].map((m) => zone(m, ['cli', 'analysis', 'gateway', 'release', ...analyses], 'manifests read src/config and src/contracts only')),
      { target: './src/contracts', from: './src', except: ['./config', './contracts'], message: 'contracts stand on src/config alone' },
      zone('', ['./demo', './test', './bench'], 'nothing in src/ imports the demo, the tests or the benchmarks'),
    ],
  }],
});

// Kubernetes manifests: src/main.ts → dist/<chart>/. Transpile-only (swc): `tsc --noEmit` type-checks once.
project.addTask('synth', {
  description: 'Synthesize every cdk8s chart into dist/ (deterministic; committed; ArgoCD syncs it)',
  exec: 'ts-node --swc src/main.ts',
});

// The AppProject's cluster-resource whitelist, derived from the vendored chart templates (vendor/charts);
// rerun after vendoring a chart bump (test/k8s/bootstrap/cluster-kinds.test.ts fails until then).
project.addTask('cluster-kinds', {
  description: 'Derive src/k8s/bootstrap/cluster-kinds.json (AppProject clusterResourceWhitelist) from vendor/charts',
  exec: 'ts-node --swc scripts/cluster-kinds.ts',
});

// Proxmox VMs + K3s (CDKTF): src/infra/main.ts → cdktf.out/stacks/<cluster>/cdk.tf.json (not committed),
// plain Terraform JSON for `tofu -chdir=… init/plan/apply`. cdktf.json's `app` runs the same command.
project.addTask('synth:infra', {
  description: 'Synthesize the Proxmox/K3s Terraform JSON into cdktf.out/ from site.yaml (MLOPS_SITE_FILE picks another)',
  exec: 'ts-node --transpile-only src/infra/main.ts',
});

// OpenTofu on the synthesized stack, one task per command (docs/proxmox.md says why not `cdktf deploy`:
// cdktf-cli's install compiles or downloads node-pty outside npm, and CDKTF is archived).
for (const command of ['plan', 'apply', 'output'] as const) {
  project.addTask(`infra:${command}`, {
    description: `synth:infra, then \`tofu init\` and \`tofu ${command}\` in cdktf.out/stacks/<cluster> (extra arguments go to tofu)`,
    steps: [{ spawn: 'synth:infra' }, { exec: `bash scripts/tofu.sh ${command}`, receiveArgs: true }],
  });
}

// The one manual GitOps step, once per cluster: ArgoCD from dist/bootstrap, then the AppProject and the
// root Application, one file each (a `kubectl apply` of the folder would choke on argocd-values.yaml).
project.addTask('bootstrap', {
  description: 'Install ArgoCD and hand it the repository (needs kubectl on the new cluster and helm; docs/bootstrap.md)',
  exec: 'bash scripts/bootstrap.sh',
});

// The `mlops` CLI; in a checkout: `npx mlops <command>`.
project.addBins({ mlops: 'bin/mlops' });

// The two commands of the README. Plain scripts (not projen tasks) so they work on a fresh
// clone before node_modules exists: each runs the idempotent setup script first.
project.package.setScript('demo', 'bash scripts/demo.sh');
project.package.setScript('test:all', 'bash scripts/test-all.sh');

// GitHub workflows, one typed component each (src/ci/); actions pinned by SHA in src/config/versions.ts.
// The components are projen code that lives in src/ci, so eslint must allow projen (a devDependency) there.
project.eslint?.allowDevDeps('src/ci/**');
// Every model change: lint, test, scan, train + gate, image build/scan/push, and on main the release bump.
new ModelPipelineWorkflow(project);
// P0 drift (or a human) retrains on fresh labelled captures and opens a release PR; it never deploys.
new RetrainWorkflow(project);
// The analyses use the LLM the site file names (site.yaml → llm; keys are repository secrets).
const { llm } = loadSiteFile();
// A failed pipeline run gets an explanation posted where the team works (analysis read-only, posting separate).
new TriageWorkflow(project, { llm });
// A firing alert, relayed by the gateway, gets a root-cause report from inside the cluster.
new AlertAnalysisWorkflow(project, { llm });
// Drift, relayed by the gateway or on schedule, is analysed and acted on by the urgency the rules compute.
new DriftAnalysisWorkflow(project, { llm });
// The repository's own suite, including the check that committed generated files equal a fresh synth.
new PlatformCiWorkflow(project);
// actionlint's config: declares the self-hosted `homelab` label, which it cannot know otherwise.
new ActionlintConfig(project);
// Every pull request gets one comment with its dist/ change per ArgoCD Application (computed read-only, posted separately).
new DistDiffWorkflow(project);
// The platform and MLflow images: build, scan, push by digest, then one commit of their digests and dist/.
new ImagesWorkflow(project);
// Renovate (self-hosted, weekly) keeps chart, image, action, npm and pip pins moving; renovate.json is generated.
new RenovateWorkflow(project);
// projen marks every file it writes linguist-generated, which would collapse the workflow diffs in review: unmark them.
for (const workflow of project.github?.workflows ?? []) {
  if (workflow.file) project.gitattributes.removeAttributes(`/${workflow.file.path}`, 'linguist-generated');
}

project.synth();
