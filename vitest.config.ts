import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Builds dist/ when src/ is newer: the CLI tests run the built bin.js.
    globalSetup: ["./test/global-setup.ts"],
    // e2e tests start real etcd members; give them room, but fail rather than hang.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ["default", "./test/reporters/summary.ts"],
  },
});
