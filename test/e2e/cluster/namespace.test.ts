import { describe } from "vitest";
import { privileges } from "../../../src/host/index.js";
import { clusterScenarios } from "./scenarios.js";

// The namespace provider needs root; on this project's hosts the tests run as root.
describe.runIf(privileges().root)("shoal up with the namespace provider", () => {
  clusterScenarios("namespace");
});
