import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";

// `npm test` builds dist/ before vitest runs.
const DIST = new URL("../../dist/dashboard/", import.meta.url);

describe("the page's bundle", () => {
  const files = ["app.js", "app.css"].map((f) => readFileSync(new URL(f, DIST)));

  it("is under 200 KB gzipped", () => {
    const gzipped = files.reduce((sum, f) => sum + gzipSync(f).length, 0);
    expect(gzipped).toBeLessThan(200 * 1024);
  });

  it("loads nothing from elsewhere: no URL to another host in the code or the styles", () => {
    // XML namespace names (SVG, XLink, MathML) are identifiers that are never fetched.
    const namespace =
      /^http:\/\/www\.w3\.org\/(?:2000\/svg|1999\/xlink|1999\/xhtml|1998\/Math\/MathML|XML\/1998\/namespace)/;
    for (const f of files) {
      const text = f.toString();
      const urls = [...text.matchAll(/(?:https?:)?\/\/[a-z0-9.-]+\.[a-z]{2,}\/[^"'\s)]*/gi)].map(
        (m) => m[0],
      );
      expect(urls.filter((u) => !namespace.test(u))).toEqual([]);
    }
  });
});
