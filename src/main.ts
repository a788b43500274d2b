import { App, YamlOutputType } from 'cdk8s';

// cdk8s entry point: every chart of the platform → dist/<chart>/, one file per resource.
const app = new App({ outdir: 'dist', yamlOutputType: YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE });

app.synth();
