export * from './release-file';
export * from './bump';
export { Git, isNonFastForward } from './git';
export * from './change';
export { commitDataChange, DataCommitOptions, DataCommitResult, DataFileChange } from './data-commit';
