import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { metadataIdIn } from "./task-actor.js";

describe("metadataIdIn: the metadata id an adopted container was created with", () => {
  const cases: Array<[string, string[] | undefined, string | undefined]> = [
    ["from the v4 URI", ["PATH=/bin", "ECS_CONTAINER_METADATA_URI_V4=http://172.17.0.1:51679/v4/abc123-deadbeef"], "abc123-deadbeef"],
    ["with a trailing slash", ["ECS_CONTAINER_METADATA_URI_V4=http://172.17.0.1:51679/v4/abc/"], "abc"],
    ["not from a look-alike variable", ["MY_ECS_CONTAINER_METADATA_URI_V4=http://x/v4/nope"], undefined],
    ["nothing when the URI has no id", ["ECS_CONTAINER_METADATA_URI_V4=http://x/"], undefined],
    ["nothing without the variable", ["PATH=/bin"], undefined],
    ["nothing without an environment", undefined, undefined],
  ];
  for (const [what, env, expected] of cases) it(what, () => assert.equal(metadataIdIn(env), expected));
});
