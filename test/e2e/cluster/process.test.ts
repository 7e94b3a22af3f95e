import { describe } from "vitest";
import { clusterScenarios } from "./scenarios.js";

describe("shoal up with the process provider", () => {
  clusterScenarios("process");
});
