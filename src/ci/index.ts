export * from './model-pipeline';
export * from './retrain';
export * from './triage';
export * from './alert-analysis';
export * from './drift-analysis';
export * from './platform-ci';
export * from './actionlint-config';
export * from './dist-diff';
export { uses, annotatePinnedActions } from './lib/actions';
