import { describe } from "vitest";
import { failureScenarios } from "./failures.js";
import { lifecycleScenarios } from "./lifecycle.js";
import { clusterScenarios } from "./scenarios.js";

// One file for every process-provider cluster: they share 127.17.8.101+, so they run in turn.
describe("shoal up with the process provider", () => {
  clusterScenarios("process");
});
failureScenarios();
lifecycleScenarios();
