/**
 * PR review aids: the dist/ change of a pull request per ArgoCD Application (read dist/ at two
 * revisions → objects by identity → group by the Application that syncs them → diff → Markdown →
 * one pull request comment). Depends on Config only; nothing in the analyses or the gateway.
 */
export * from './schema';
export { renderComment, COMMENT_MARKER, COMMENT_BUDGET, GITHUB_COMMENT_LIMIT } from './markdown';
export { upsertComment, pullRequestHead } from './comment';
export type { PostCommentResult } from './comment';
export { loadReport, checkTarget, ReportRejected } from './load';
export { runDistDiffRequest, DistDiffUsageError } from './request';
export type { DistDiffRequest } from './request';
export { diffDist } from './diff';
export type { DiffDistOptions } from './diff';
