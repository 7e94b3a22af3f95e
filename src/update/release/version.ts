/** Release versions as CoreOS numbers them: MAJOR.MINOR.PATCH, compared as numbers. */

export type Version = readonly [number, number, number];

const VERSION = /^(0|[1-9]\d{0,8})\.(0|[1-9]\d{0,8})\.(0|[1-9]\d{0,8})$/;

/** The three numbers, or undefined when `text` is not MAJOR.MINOR.PATCH. */
export function parseVersion(text: string): Version | undefined {
  const m = VERSION.exec(text);
  if (!m) return undefined;
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

export function isVersion(text: string): boolean {
  return parseVersion(text) !== undefined;
}

/**
 * Negative when a < b, zero when equal, positive when a > b. Text that is not
 * a version (an old client's "0.0.0.0", an empty attribute) sorts below every
 * version, so it never blocks an update and is never offered as one.
 */
export function compareVersions(a: string, b: string): number {
  const va = parseVersion(a);
  const vb = parseVersion(b);
  if (!va || !vb) return (va ? 1 : 0) - (vb ? 1 : 0);
  for (let i = 0; i < 3; i++) {
    const d = (va[i] as number) - (vb[i] as number);
    if (d !== 0) return d;
  }
  return 0;
}
