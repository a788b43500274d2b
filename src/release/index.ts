export * from './release-file';
export * from './bump';
export { Git, isNonFastForward } from './git';
export { commitDataChange, DataCommitOptions, DataCommitResult, DataFileChange } from './data-commit';
