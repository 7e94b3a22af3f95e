export { OmahaRequestError, parseRequest, renderRequest } from "./request.js";
export {
  type ResponseReading,
  readResponse,
  renderResponse,
  SIGNATURE_ATTRIBUTE,
} from "./response.js";
export * from "./types.js";
