#!/usr/bin/env bash
# scripts/ci/release-commit.sh: the unprivileged half of a release (release-run.yml's prepare jobs). In a
# fresh checkout of main it runs `npm run release` and the tests, commits, and leaves in $RUNNER_TEMP/release/
# the commit as a git bundle (release.bundle, base..HEAD) and the rendered change (release.txt) for the
# push job, which verifies the commit on a fresh runner and pushes it (scripts/ci/release-push.sh).
# This job holds no write token: `npm ci` and `npm test` run third-party code, and whatever they do here
# can at most spoil the bundle, which the push job checks.
# Needs APP, ENV_NAME, IMAGE (validated by release.yml), RUNNER_TEMP, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY.
# Writes base=<commit> and committed=true|false to $GITHUB_OUTPUT.
set -euo pipefail

out="$RUNNER_TEMP/release"
mkdir -p "$out"
base="$(git rev-parse HEAD)"
echo "base=$base" >> "$GITHUB_OUTPUT"
npm run release -- --env "$ENV_NAME" --app "$APP" --image "$IMAGE" | tee "$out/release.txt"
git add -A -- clusters dist docs
if git diff --cached --quiet; then
  echo "$APP is already at $IMAGE in $ENV_NAME: nothing to release." | tee -a "$GITHUB_STEP_SUMMARY"
  echo committed=false >> "$GITHUB_OUTPUT"
  exit 0
fi
npm test
git -c user.name='github-actions[bot]' -c user.email='41898282+github-actions[bot]@users.noreply.github.com' \
  commit --quiet --no-verify -m "release $APP to $ENV_NAME: $IMAGE"
git bundle create "$out/release.bundle" "$base..HEAD"
{
  echo "Release \`$APP\` to **$ENV_NAME**: \`$IMAGE\` (commit ${base:0:12}..$(git rev-parse --short=12 HEAD))"
  echo
  echo '```'
  cat "$out/release.txt"
  echo '```'
} >> "$GITHUB_STEP_SUMMARY"
echo committed=true >> "$GITHUB_OUTPUT"
