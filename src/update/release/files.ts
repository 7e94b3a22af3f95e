/**
 * The files a release carries of its own, relative to /usr (pure, and
 * apart from payload.ts so a machine's boot can write the base release
 * without loading tar).
 */

/** The release files a machine reads its version from, relative to /usr. */
export function releaseFiles(version: string, appId: string): Record<string, string> {
  return {
    "lib/os-release": [
      `NAME="Container Linux by CoreOS"`,
      "ID=coreos",
      `VERSION=${version}`,
      `VERSION_ID=${version}`,
      `BUILD_ID=shoal-${version}`,
      `PRETTY_NAME="Container Linux by CoreOS ${version} (shoal)"`,
      "",
    ].join("\n"),
    "share/coreos/release": `COREOS_RELEASE_VERSION=${version}\nCOREOS_RELEASE_BOARD=amd64-usr\nCOREOS_RELEASE_APPID=${appId}\n`,
  };
}
