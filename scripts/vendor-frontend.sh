#!/usr/bin/env bash
# Refresh static/govuk and static/htmx from the npm registry, and the test-only axe-core that the
# browser tests inject (tests/browser/vendor). Run by maintainers, never at run time.
set -euo pipefail
GOVUK_VERSION=${GOVUK_VERSION:-5.14.0}
HTMX_VERSION=${HTMX_VERSION:-2.0.11}
AXE_VERSION=${AXE_VERSION:-4.14.1}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack --silent "govuk-frontend@$GOVUK_VERSION" "htmx.org@$HTMX_VERSION" "axe-core@$AXE_VERSION" >/dev/null
mkdir govuk htmx axe
tar xzf govuk-frontend-*.tgz -C govuk
tar xzf htmx.org-*.tgz -C htmx
tar xzf axe-core-*.tgz -C axe
rm -rf "$root/static/govuk" "$root/static/htmx"
mkdir -p "$root/static/govuk" "$root/static/htmx"
cp -r govuk/package/dist/govuk/assets "$root/static/govuk/"
# We ship no source maps: the CSS is rewritten below, so its map would no longer match, and a
# reference to a missing map stops collectstatic building the manifest (MissingFileError).
sed 's#//\# sourceMappingURL=.*$##' govuk/package/dist/govuk/govuk-frontend.min.js \
  > "$root/static/govuk/govuk-frontend.min.js"
# The compiled CSS points at /assets/; we serve them under /static/govuk/assets/.
sed -e 's#url(/assets/#url(/static/govuk/assets/#g' -e '/sourceMappingURL=/d' \
  govuk/package/dist/govuk/govuk-frontend.min.css > "$root/static/govuk/govuk-frontend.min.css"
cp htmx/package/dist/htmx.min.js "$root/static/htmx/"
# axe-core is for the accessibility tests only: never served to users.
mkdir -p "$root/tests/browser/vendor"
cp axe/package/axe.min.js "$root/tests/browser/vendor/axe.min.js"
cp axe/package/LICENSE "$root/tests/browser/vendor/axe-core.LICENSE"
echo "Vendored govuk-frontend $GOVUK_VERSION, htmx.org $HTMX_VERSION and axe-core $AXE_VERSION"
