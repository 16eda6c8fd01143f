import type { AppSpec } from '../model/app-spec';
import { isBranchName, isGitHubRepository } from '../model/released-from';
import { SpecProblem } from '../model/spec-error';

/** An app's `releasedFrom`: a GitHub `owner/name` and, if given, a branch name. */
export function checkReleasedFrom(app: AppSpec): SpecProblem[] {
  const source = app.releasedFrom;
  if (source === undefined) return [];
  const at = { app: app.name };
  const problems: SpecProblem[] = [];
  if (typeof source.repository !== 'string' || !isGitHubRepository(source.repository)) {
    problems.push(
      new SpecProblem(
        at,
        'releasedFrom.repository',
        source.repository,
        'must be the GitHub repository of the app\'s pipeline as "owner/name", e.g. "acme-web/shop"',
      ),
    );
  }
  if (source.branch !== undefined && (typeof source.branch !== 'string' || !isBranchName(source.branch))) {
    problems.push(new SpecProblem(at, 'releasedFrom.branch', source.branch, 'must be a branch name, e.g. "main", without "refs/heads/"'));
  }
  return problems;
}
