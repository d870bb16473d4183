#!/usr/bin/env bash
# Cuts a release the way GitHub's own actions are released: an immutable `vX.Y.Z` tag on a release commit
# (package.json version + CHANGELOG entry), and the moving major tag `vX` that workflows pin (`uses: …@v1`)
# moved to it. Run by .github/workflows/release.yml after the CI gate passed; runnable by hand too.
#
#   scripts/release.sh <patch|minor|major|X.Y.Z> [--push] [--remote origin] [--branch main] [--notes-out FILE]
#
# Refuses (changing nothing) when the tree is dirty, HEAD is not on the release branch, the version does not
# move forward, its tag already exists (released tags are never moved or re-cut), or CHANGELOG.md's
# `## [Unreleased]` section is empty. Without --push everything stays local: a dry run on a scratch branch
# (`--branch scratch`) shows exactly the commit and tags a release would push.
set -euo pipefail

bump='' push=false remote=origin branch=main notes_out=''
while [[ $# -gt 0 ]]; do
  case "$1" in
    --push) push=true ;;
    --remote) remote="$2"; shift ;;
    --branch) branch="$2"; shift ;;
    --notes-out) notes_out="$2"; shift ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    -*) echo "release: unknown option $1" >&2; exit 2 ;;
    *) bump="$1" ;;
  esac
  shift
done
fail() { echo "release: $*" >&2; exit 1; }
[[ -n "$bump" ]] || fail "give the version: patch, minor, major or X.Y.Z"

cd "$(git rev-parse --show-toplevel)"
[[ -z "$(git status --porcelain)" ]] || fail "the working tree has uncommitted changes; commit or stash them first"
current_branch="$(git rev-parse --abbrev-ref HEAD)"
[[ "$current_branch" == "$branch" ]] || fail "HEAD is on '$current_branch', not the release branch '$branch' (use --branch for a dry run elsewhere)"

current="$(node -p "require('./package.json').version")"
[[ "$current" =~ ^([0-9]+)\.([0-9]+)\.([0-9]+)$ ]] || fail "package.json version '$current' is not X.Y.Z"
major="${BASH_REMATCH[1]}" minor="${BASH_REMATCH[2]}" patch="${BASH_REMATCH[3]}"
released_before=false
git rev-parse -q --verify "refs/tags/v$current" >/dev/null && released_before=true
case "$bump" in
  patch) next="$major.$minor.$((patch + 1))" ;;
  minor) next="$major.$((minor + 1)).0" ;;
  major) next="$((major + 1)).0.0" ;;
  *)
    [[ "$bump" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || fail "'$bump' is not patch, minor, major or X.Y.Z"
    next="$bump" ;;
esac
# Forward only; the version package.json already carries is allowed once, for the first release of it.
newer="$(node -e "const [a,b]=process.argv.slice(1).map(v=>v.split('.').map(Number));const d=a.map((x,i)=>x-b[i]).find(x=>x!==0)??0;console.log(d>0?'newer':d===0?'same':'older')" "$next" "$current")"
if [[ "$newer" == older ]] || { [[ "$newer" == same ]] && $released_before; }; then
  fail "v$next does not move forward from v$current$($released_before && echo ' (already released)')"
fi
tag="v$next"
major_tag="v${next%%.*}"
git rev-parse -q --verify "refs/tags/$tag" >/dev/null && fail "$tag already exists: released tags are immutable; release a new version instead"

# The Unreleased section must say what changed.
notes="$(awk '/^## \[Unreleased\]/{on=1;next} /^## \[/{on=0} on' CHANGELOG.md | sed -e '/./,$!d' | sed -e ':a' -e '/^\n*$/{$d;N;ba' -e '}')"
[[ -n "$(echo "$notes" | tr -d '[:space:]')" ]] || fail "CHANGELOG.md has nothing under '## [Unreleased]': say what this release changes first"

today="$(date -u +%Y-%m-%d)"
npm version "$next" --no-git-tag-version --allow-same-version >/dev/null
awk -v heading="## [$next] - $today" '
  /^## \[Unreleased\]/ && !done { print; print ""; print heading; done = 1; next }
  { print }
' CHANGELOG.md > CHANGELOG.md.tmp && mv CHANGELOG.md.tmp CHANGELOG.md
git add package.json CHANGELOG.md
[[ -f package-lock.json ]] && git add package-lock.json
git commit -q -m "Release $tag"
git tag -a "$tag" -m "$tag"
# The major tag follows the newest release of its major version (GitHub's convention for actions).
git tag -fa "$major_tag" -m "$major_tag → $tag" >/dev/null
[[ -n "$notes_out" ]] && printf '%s\n' "$notes" > "$notes_out"

echo "release: $tag and $major_tag at $(git rev-parse --short HEAD) (\"Release $tag\")"
if $push; then
  git push -q "$remote" "HEAD:refs/heads/$branch"
  git push -q "$remote" "refs/tags/$tag"
  git push -q --force "$remote" "refs/tags/$major_tag"
  echo "release: pushed $branch, $tag and $major_tag to $remote"
else
  echo "release: nothing pushed (no --push); to publish: git push $remote $branch $tag && git push --force $remote $major_tag"
fi
[[ -n "${GITHUB_OUTPUT:-}" ]] && { echo "tag=$tag"; echo "major-tag=$major_tag"; echo "version=$next"; } >> "$GITHUB_OUTPUT"
exit 0
