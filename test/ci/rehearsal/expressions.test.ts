import { condition, evaluate, Functions, interpolate, STRICT, UnsetValueError, Value } from './expressions';

/** The `${{ }}` evaluator against the semantics of GitHub's expressions reference (see expressions.ts). */

const fns = (status: ReturnType<Functions['status']> = 'success', files: Record<string, string> = {}): Functions => ({
  status: () => status,
  hashFiles: (p) => (p.some((f) => f in files) ? 'digest' : ''),
});
const strict = (values: Record<string, unknown>, why: string) => {
  const o = { ...values };
  Object.defineProperty(o, STRICT, { value: () => why, enumerable: false });
  return o;
};
const ctx = {
  github: {
    event_name: 'pull_request',
    ref: 'refs/pull/1/merge',
    repository: 'acme/model',
    event: { pull_request: { head: { repo: { full_name: 'acme/model' } }, base: { sha: '' } }, before: 'b'.repeat(40), client_payload: { model: 'credit-risk' } },
  },
  env: { LOCAL_MLFLOW: 'true' },
  inputs: {},
  vars: {},
  secrets: { GITHUB_TOKEN: 't' },
  matrix: {},
  steps: strict({ 'app-token': { outputs: strict({ 'app-slug': 'bot' }, 'the action sets no such output') } }, 'no such step'),
  needs: { train: { result: 'success', outputs: {} }, image: { result: 'skipped', outputs: {} }, lint: { result: 'failure', outputs: {} } },
};
const ev = (src: string, status?: ReturnType<Functions['status']>): Value => evaluate(src, ctx, fns(status));

describe('expressions', () => {
  test('literals, property access (dotted names with dashes), index access', () => {
    expect(ev("'it''s'")).toBe("it's");
    expect(ev('42')).toBe(42);
    expect(ev('null')).toBeNull();
    expect(ev('steps.app-token.outputs.app-slug')).toBe('bot');
    expect(ev("github['event_name']")).toBe('pull_request');
    expect(ev('github.event.nope.deeper')).toBeNull();
  });

  test('== is case-insensitive on strings and coerces other types to numbers; && and || return operands', () => {
    expect(ev("github.event_name == 'PULL_REQUEST'")).toBe(true);
    expect(ev("'1' == 1")).toBe(true);
    expect(ev('null == 0')).toBe(true);
    expect(ev("github.event_name != 'pull_request' || github.event.pull_request.head.repo.full_name == github.repository")).toBe(true);
    expect(ev("(github.event_name == 'push' && github.ref == 'refs/heads/main') && 'homelab' || 'ubuntu-24.04'")).toBe('ubuntu-24.04');
    expect(ev('github.event.pull_request.base.sha || github.event.before')).toBe('b'.repeat(40));
    expect(ev('inputs.model || github.event.client_payload.model')).toBe('credit-risk');
    expect(ev("!(github.event_name == 'pull_request')")).toBe(false);
  });

  test('object filters and functions', () => {
    expect(ev('needs.*.result')).toEqual(['success', 'skipped', 'failure']);
    expect(ev("contains(needs.*.result, 'failure')")).toBe(true);
    expect(ev("contains(needs.*.result, 'cancelled')")).toBe(false);
    expect(ev("contains('Hello World', 'world')")).toBe(true);
    expect(ev("startsWith(github.ref, 'refs/PULL/')")).toBe(true);
    expect(ev("format('{0}-{1} {{x}}', 'a', 1)")).toBe('a-1 {x}');
    expect(ev("fromJSON('{\"a\":[1,2]}').a[1]")).toBe(2);
    expect(ev("toJSON(fromJSON('[1]'))")).toBe('[\n  1\n]');
    expect(ev("join(needs.*.result, '+')")).toBe('success+skipped+failure');
    expect(evaluate("hashFiles('bandit.sarif') != ''", ctx, fns('success', { 'bandit.sarif': '{}' }))).toBe(true);
    expect(evaluate("hashFiles('trivy.sarif') != ''", ctx, fns())).toBe(false);
  });

  test('if: without a status function means success() && (…); always() runs after a failure', () => {
    expect(condition("env.LOCAL_MLFLOW == 'true'", ctx, fns())).toBe(true);
    expect(condition("env.LOCAL_MLFLOW == 'true'", ctx, fns('failure'))).toBe(false);
    expect(condition('${{ always() }}', ctx, fns('failure'))).toBe(true);
    expect(condition('failure()', ctx, fns('failure'))).toBe(true);
    expect(condition(undefined, ctx, fns('skipped'))).toBe(false);
    expect(condition('cancelled()', ctx, fns())).toBe(false);
  });

  test('interpolation in fields and scripts', () => {
    expect(interpolate('group-${{ github.event_name }}-${{ github.event.nope }}', ctx, fns())).toBe('group-pull_request-');
    expect(interpolate('echo "${{ steps.app-token.outputs.app-slug }}[bot]"', ctx, fns())).toBe('echo "bot[bot]"');
  });

  test('a read of an output that was never set is an error naming why (GitHub would give \'\')', () => {
    expect(() => ev('steps.app-token.outputs.token')).toThrow(UnsetValueError);
    expect(() => ev('steps.app-token.outputs.token')).toThrow('${{ steps.app-token.outputs.token }} is never set: the action sets no such output');
    expect(() => ev('steps.window.outputs.from')).toThrow('${{ steps.window }} is never set: no such step');
  });

  test('syntax errors and unknown names are errors, not empty strings', () => {
    expect(() => ev("github.event_name == 'x")).toThrow('unterminated string');
    expect(() => ev('nosuchcontext.x')).toThrow('unknown context "nosuchcontext"');
    expect(() => ev('nosuchfunction()')).toThrow('unknown function nosuchfunction()');
    expect(() => ev('github.event_name ==')).toThrow('unexpected end');
  });
});
