export { packageVersion } from "../host/index.js";
