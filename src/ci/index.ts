export * from './model-pipeline';
export * from './retrain';
export * from './triage';
export * from './alert-analysis';
export * from './drift-analysis';
export * from './platform-ci';
export { uses, annotatePinnedActions } from './lib/actions';
export * from './images';
export * from './renovate';
