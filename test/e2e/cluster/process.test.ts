import { describe } from "vitest";
import { privileges } from "../../../src/host/index.js";
import { failureScenarios } from "./failures.js";
import { unprivilegedAccount } from "./harness.js";
import { lifecycleScenarios } from "./lifecycle.js";
import { rootlessScenarios } from "./rootless.js";
import { clusterScenarios } from "./scenarios.js";

// One file for every cluster on loopback addresses (process and rootless providers): they share
// 127.17.8.101+, so they run in turn.
describe("shoal up with the process provider", () => {
  clusterScenarios("process");
});
failureScenarios();
lifecycleScenarios();

// The rootless provider is for users without root: as root, the tests drop to an unprivileged account.
const user = privileges().root ? unprivilegedAccount() : undefined;
describe("shoal up with the rootless provider, as a user without root", () => {
  clusterScenarios("rootless", user ? { user } : {});
});
rootlessScenarios(user);
