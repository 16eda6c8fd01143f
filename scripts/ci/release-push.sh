#!/usr/bin/env bash
# scripts/ci/release-push.sh main|branch: the privileged half of a release (release-run.yml's push jobs). It
# runs on a fresh runner that installed nothing and runs no code of the release: it fetches main, takes
# the commit the unprivileged job bundled (scripts/ci/release-commit.sh), checks that the commit is a
# release of APP to ENV_NAME with IMAGE and nothing else, and pushes it:
#   main    to main (staging); a non-fast-forward is reported as result=moved, so the workflow's next
#           attempt releases and tests again on the new main, on a fresh unprivileged runner;
#   branch  to refs/heads/$BRANCH, replacing it (prod; the workflow then opens the PR).
# Any other refusal of the push (a protected branch the token may not bypass, a token without Contents
# write) stops at once with a message: it is no race, and trying again changes nothing.
#
# Needs APP, ENV_NAME, IMAGE (validated by release.yml), BASE (the commit the release was made on),
# BUNDLE (the git bundle), REMOTE_URL, GITHUB_OUTPUT; ATTEMPT and ATTEMPTS (main); BRANCH (branch);
# PUSH_TOKEN for an https remote. The token reaches git only through a credential helper that reads it
# from the environment: it is never on a command line (where /proc/<pid>/cmdline shows it to every process).
# Writes result=pushed|moved|unchanged to $GITHUB_OUTPUT.
set -euo pipefail

mode="${1:-}"
fail() {
  printf '::error::%s\n' "$1"
  exit 1
}
[[ "$mode" =~ ^(main|branch)$ ]] || fail "usage: release-push.sh main|branch"
[[ "$APP" =~ ^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$ ]] || fail "APP = '$APP': not a DNS label"
[[ "$ENV_NAME" =~ ^(staging|prod)$ ]] || fail "ENV_NAME = '$ENV_NAME': not staging or prod"
[[ "$IMAGE" =~ ^[a-z0-9][a-z0-9._:/-]*:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}@sha256:[a-f0-9]{64}$ ]] ||
  fail "IMAGE = '$IMAGE': not <repository>:<tag>@sha256:<64 hex digits>"
name="${IMAGE%@*}"
repository="${name%:*}" tag="${name##*:}" digest="${IMAGE##*@}"
[[ "$BASE" =~ ^[0-9a-f]{40}$ ]] || fail "BASE = '$BASE': not a commit id"
[ -f "$BUNDLE" ] || fail "BUNDLE = '$BUNDLE': no such file (the release job uploads it)"
if [ "$mode" = branch ]; then
  [[ "$BRANCH" =~ ^release/(staging|prod)/[a-z0-9-]+$ ]] || fail "BRANCH = '$BRANCH': not release/<env>/<name>"
else
  [[ "$ATTEMPT" =~ ^[1-9]$ && "$ATTEMPTS" =~ ^[1-9]$ ]] || fail "ATTEMPT = '$ATTEMPT', ATTEMPTS = '$ATTEMPTS': not attempt numbers"
fi

# A repository of our own, outside any checkout: no hooks, no config but what is set here, and no prompt
# for a password when the token is refused.
export GIT_TERMINAL_PROMPT=0
work="$(mktemp -d)"
cd "$work"
git init --quiet
git config core.hooksPath /dev/null
git remote add origin "$REMOTE_URL"
if [ -n "${PUSH_TOKEN:-}" ]; then
  # git runs the helper through the shell, which expands $PUSH_TOKEN from the environment
  # (gitcredentials(7), "Custom helpers"): the command line holds only the literal text below.
  # shellcheck disable=SC2016
  git config credential.helper '!f() { test "$1" = get && printf "username=x-access-token\npassword=%s\n" "$PUSH_TOKEN"; }; f'
fi

# Main as it is now. For a branch the release may have been made a few commits back: fetch enough history to
# find its base on main.
git fetch --quiet --no-tags --depth="$([ "$mode" = main ] && echo 1 || echo 50)" origin main ||
  fail "cannot fetch main from $REMOTE_URL with the release-bot App's token (vars.RELEASE_APP_ID): is the App installed on this repo?"
tip="$(git rev-parse FETCH_HEAD)"
moved() {
  if [ "$ATTEMPT" -ge "$ATTEMPTS" ]; then
    fail "main moved while $APP was being released, in each of the $ATTEMPTS attempts (other releases pushed first): re-run this workflow (Re-run all jobs) to release $IMAGE on the new main"
  fi
  echo "::notice::main moved while $APP was being released ($1); attempt $((ATTEMPT + 1)) of $ATTEMPTS releases and tests again on the new main"
  echo result=moved >> "$GITHUB_OUTPUT"
  exit 0
}
if [ "$mode" = main ]; then
  [ "$tip" = "$BASE" ] || moved "the release was made on ${BASE:0:12}, main is at ${tip:0:12} now"
else
  git merge-base --is-ancestor "$BASE" "$tip" 2> /dev/null ||
    fail "the release was made on ${BASE:0:12}, which is not among main's last 50 commits: re-run this workflow to release $IMAGE on the new main"
fi

# The commit: exactly one, on top of BASE, not a merge.
git bundle verify --quiet "$BUNDLE" > /dev/null 2>&1 || fail "the bundle is not a git bundle made on ${BASE:0:12}"
git fetch --quiet --no-tags "$BUNDLE" HEAD
commit="$(git rev-parse FETCH_HEAD)"
parents="$(git rev-list --parents -n 1 "$commit")"
[ "$parents" = "$commit $BASE" ] || fail "the bundled commit ${commit:0:12} is not one commit on top of ${BASE:0:12} (parents: ${parents#* })"

# What it changes: the env's releases file and the app's rendered file, both modified in place as regular
# files. `npm run release` changes nothing else (test/release-push.test.ts runs it and checks).
releases="clusters/$ENV_NAME/releases.json"
app_file=""
changed_releases=false
while IFS= read -r line; do
  meta="${line%%$'\t'*}" path="${line#*$'\t'}"
  read -r old_mode new_mode _ _ status <<< "${meta#:}"
  if [ "$status" != M ] || [ "$old_mode" != 100644 ] || [ "$new_mode" != 100644 ]; then
    fail "the release commit changes $path in a way no release does (status $status, mode $old_mode -> $new_mode): only modified regular files"
  fi
  if [ "$path" = "$releases" ]; then
    changed_releases=true
  elif [[ -z "$app_file" && "$path" =~ ^dist/$ENV_NAME/apps(-[1-9][0-9]*)?/$APP\.yaml$ ]]; then
    app_file="$path"
  else
    fail "the release commit changes $path: a release of $APP to $ENV_NAME changes only $releases and dist/$ENV_NAME/apps*/$APP.yaml (if main's dist/ is stale, run npm run synth there first)"
  fi
done < <(git diff --raw --no-renames --no-abbrev "$BASE" "$commit")
$changed_releases || fail "the release commit does not change $releases"
[ -n "$app_file" ] || fail "the release commit does not change dist/$ENV_NAME/apps*/$APP.yaml"

# The releases file: only this app's entry changes, and to exactly what `npm run release` writes (advance() in
# constructs/model/releases.ts): the image is current, the old current heads the history, the image leaves
# the history, five at most. So the history, which prod's gate reads, holds only versions the env ran.
entries() { git show "$1:$releases" | jq -S --arg app "$APP" "$2" 2> /dev/null; }
others_before="$(entries "$BASE" 'del(.apps[$app])')" || fail "$releases on main is not JSON"
others_after="$(entries "$commit" 'del(.apps[$app])')" || fail "$releases in the release commit is not JSON"
[ "$others_before" = "$others_after" ] || fail "the release commit changes $releases beyond apps.$APP"
before="$(entries "$BASE" '.apps[$app]')"
git show "$commit:$releases" | jq -e --arg app "$APP" --arg tag "$tag" --arg digest "$digest" --argjson before "$before" '
  ([$before.current] + ($before.history // []) | map(select(. != null and (.tag != $tag or .digest != $digest))))[0:5] as $history
  | .apps[$app] == {current: {tag: $tag, digest: $digest}, history: $history}' > /dev/null ||
  fail "the release commit's $releases does not release $tag ($digest) to $APP as npm run release does (current the image, the old current heading the history)"

# The rendered file: only image lines change, each from the app's repository (as main renders it) to IMAGE.
removed=0 added=0 in_hunks=false
while IFS= read -r line; do
  if ! $in_hunks; then
    # The header (diff, index, ---, +++) ends at the first hunk.
    [[ "$line" == @@* ]] && in_hunks=true
    continue
  fi
  if [[ "$line" == @@* ]]; then
    continue
  elif [[ "$line" =~ ^-\ +image:\ ([^[:space:]]+):[A-Za-z0-9_][A-Za-z0-9_.-]*@sha256:[a-f0-9]{64}$ && "${BASH_REMATCH[1]}" == "$repository" ]]; then
    removed=$((removed + 1))
  elif [[ "$line" =~ ^\+\ +image:\ ([^[:space:]]+)$ && "${BASH_REMATCH[1]}" == "$IMAGE" ]]; then
    added=$((added + 1))
  else
    fail "the release commit changes $app_file beyond the image of $APP ($repository -> $IMAGE): $line"
  fi
done < <(git diff --unified=0 --no-color "$BASE" "$commit" -- "$app_file")
[ "$removed" -gt 0 ] && [ "$removed" -eq "$added" ] || fail "the release commit replaces $removed image lines of $app_file with $added"

# Push. `--porcelain` prints one line per ref, `<flag>\t<from>:<to>\t<summary> (<reason>)`: `[rejected]`
# when git did not send the ref because it is no fast-forward (`fetch first`: the remote has commits we
# lack), `[remote rejected]` when the server refused it (git-push(1), OUTPUT; GitHub refuses a protected
# branch or a ruleset there). A token without Contents write fails before any ref line.
if [ "$mode" = main ]; then
  target=refs/heads/main
  args=()
else
  target="refs/heads/$BRANCH"
  args=(--force)
fi
set +e
report="$(git push --porcelain "${args[@]}" origin "$commit:$target" 2>&1)"
status=$?
set -e
tab=$'\t'
if [ "$status" -eq 0 ]; then
  if grep -q "^=$tab$commit:$target$tab" <<< "$report"; then
    echo result=unchanged >> "$GITHUB_OUTPUT"
  else
    echo result=pushed >> "$GITHUB_OUTPUT"
  fi
  echo "pushed ${commit:0:12} to $target: release $APP to $ENV_NAME: $IMAGE"
  exit 0
fi
if [ "$mode" = main ] && grep -Eq "^!$tab$commit:$target$tab\[rejected\] \((fetch first|non-fast-forward)\)$" <<< "$report"; then
  moved "main moved between the fetch and the push"
fi
printf '%s\n' "$report"
fail "GitHub refused the push of $APP's release to $target, and it was no race with another push: the release-bot App (vars.RELEASE_APP_ID) needs Contents write on this repo and, for main, a place in the bypass list of main's ruleset or branch protection with bypass mode Always (docs/app-pipeline.md, \"One-time setup\"). Nothing was pushed; trying again changes nothing until that is fixed"
