#!/usr/bin/env bash
# Refresh the YASGUI query editor shipped in src/policykg/assets/yasgui/ from the npm registry.
#
#   tools/update-yasgui.sh           fetch the pinned version again and check it against the pinned integrity
#   tools/update-yasgui.sh VERSION   move to another version: its integrity is read from the registry and
#                                    pinned, with the version, in the folder's README.md
#
# Needs npm and node. The tarball comes from `npm pack`; its sha512 must equal the pinned integrity before
# anything is copied. Only the browser bundle is copied (yasgui.min.js, yasgui.min.css, as published, byte
# for byte). The files are committed: nothing is downloaded when policykg is installed or builds its site.
set -euo pipefail
cd "$(dirname "$0")/.."

package=@zazuko/yasgui
dest=src/policykg/assets/yasgui
readme=$dest/README.md

pinned_version=$(sed -n 's/^- version: `\(.*\)`$/\1/p' "$readme")
pinned_integrity=$(sed -n 's/^- integrity: `\(.*\)`$/\1/p' "$readme")
version=${1:-$pinned_version}
if [ "$version" = "$pinned_version" ]; then
  integrity=$pinned_integrity
else
  integrity=$(npm view "$package@$version" dist.integrity)
fi
if [ -z "$version" ] || [ -z "$integrity" ]; then
  echo "update-yasgui: no version or integrity (README.md pins them as '- version: \`…\`' and '- integrity: \`…\`')" >&2
  exit 1
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tarball=$(cd "$work" && npm pack --silent "$package@$version")
actual=$(node -e '
  const data = require("fs").readFileSync(process.argv[1]);
  console.log("sha512-" + require("crypto").createHash("sha512").update(data).digest("base64"));
' "$work/$tarball")
if [ "$actual" != "$integrity" ]; then
  echo "update-yasgui: $package@$version is $actual, not the pinned $integrity: nothing copied" >&2
  exit 1
fi
tar -xzf "$work/$tarball" -C "$work"
cp "$work/package/build/yasgui.min.js" "$work/package/build/yasgui.min.css" "$dest/"
if [ -f "$work/package/LICENSE" ]; then
  cp "$work/package/LICENSE" "$dest/LICENSE"
fi

if [ "$version" != "$pinned_version" ]; then
  sed -i -e "s|^- version: \`.*\`\$|- version: \`$version\`|" \
    -e "s|^- integrity: \`.*\`\$|- integrity: \`$integrity\`|" "$readme"
  sed -i -e "s|$package@$pinned_version|$package@$version|g" "$readme"
fi
echo "update-yasgui: $package@$version ($integrity) copied into $dest"
wc -c "$dest/yasgui.min.js" "$dest/yasgui.min.css"
