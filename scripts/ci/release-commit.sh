#!/usr/bin/env bash
# scripts/ci/release-commit.sh: one attempt of release.yml's staging job. On the newest main the job
# fetched (origin/main), runs `npm run release`, the tests, and commits; writes committed=true|false to
# $GITHUB_OUTPUT. It runs without any token: the push is the next step, the only one that gets the write
# token, so no npm code (install scripts, tests) can read it.
# Needs APP, ENV_NAME, IMAGE (validated by the validate job), RUNNER_TEMP, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY.
set -euo pipefail

git reset --quiet --hard origin/main
npm run release -- --env "$ENV_NAME" --app "$APP" --image "$IMAGE" | tee "$RUNNER_TEMP/release.txt"
git add -A -- clusters dist docs
if git diff --cached --quiet; then
  echo "$APP is already at $IMAGE in $ENV_NAME: nothing to release." | tee -a "$GITHUB_STEP_SUMMARY"
  echo committed=false >> "$GITHUB_OUTPUT"
  exit 0
fi
npm test
git config user.name 'github-actions[bot]'
git config user.email '41898282+github-actions[bot]@users.noreply.github.com'
git commit --quiet -m "release $APP to $ENV_NAME: $IMAGE"
echo committed=true >> "$GITHUB_OUTPUT"
