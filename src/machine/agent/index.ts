export { Agent, type AgentOptions, runAgent } from "./agent.js";
