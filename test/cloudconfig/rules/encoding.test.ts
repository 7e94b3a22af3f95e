import { describe } from "vitest";
import { checkEncoding } from "../../../src/cloudconfig/validate/rules/encoding.js";
import { error, ruleTable } from "./helpers.js";

const file = (encoding: string, content?: string) =>
  `write_files:\n  - path: /x\n    encoding: ${encoding}${content === undefined ? "" : `\n    content: ${content}`}`;
const cannot = (encoding: string, line = 5, column = 5) => [
  error(line, column, `content cannot be decoded as "${encoding}"`),
];

describe("checkEncoding", () => {
  ruleTable(checkEncoding, [
    [file("base64", "aGVsbG8K"), []],
    [file("b64", "|\n      aGVs\n      bG8K"), []],
    // A plain scalar folds its lines with a space, which base64 rejects (Go too).
    [file("b64", "aGVs\n      bG8K"), cannot("b64")],
    [file("base64", "!!binary YUdWc2JHOEsK"), []],
    [file("base64", "!!binary aGVsbG8K"), cannot("base64")],
    [file("base64", "aGVsbG8"), cannot("base64")],
    [file("gzip", "!!binary H4sIAOC3tVQAA8tIzcnJ5wIAIDA6NgYAAAA="), []],
    [file("gzip+base64", "H4sIAOC3tVQAA8tIzcnJ5wIAIDA6NgYAAAA="), []],
    [file("gz+b64", "aGVsbG8K"), cannot("gz+b64")],
    [file("custom", "hello"), cannot("custom")],
    [file("''", "hello"), []],
    [file(""), []],
    // Missing content: upstream says line 0; shoal points at the encoding key.
    [file("base64"), cannot("base64", 4, 5)],
    [file("base64", "[a]"), cannot("base64")],
    ["write_files: [{encoding: b64, content: '!!!'}]", cannot("b64", 2, 31)],
    ["write_files: 4", []],
  ]);
});
