import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { AwsError } from "../errors/catalog.js";
import { checkScanning, defaultScanning, parseStoredScanning, repositoryScanning, storedScanning, toEcrScanning } from "./scanning-configuration.js";

const repo = (name: string, scanOnPush = false) => ({ name, arn: `arn:aws:ecr:eu-west-1:123456789012:repository/${name}`, scanOnPush });
const refused = (message: RegExp) => (e: unknown) => e instanceof AwsError && e.code === "InvalidParameterException" && message.test(e.message);

describe("registry scanning configuration", () => {
  it("applies the first rule whose wildcard matches, else the repository's own scanOnPush", () => {
    const c = checkScanning({
      scanType: "BASIC",
      rules: [
        { scanFrequency: "SCAN_ON_PUSH", repositoryFilters: [{ filter: "team/*", filterType: "WILDCARD" }, { filter: "prod-*-api", filterType: "WILDCARD" }] },
        { scanFrequency: "MANUAL", repositoryFilters: [{ filter: "*", filterType: "WILDCARD" }] },
      ],
    });
    assert.deepEqual(repositoryScanning(c, repo("team/web")), { repositoryArn: repo("team/web").arn, repositoryName: "team/web", scanOnPush: true, scanFrequency: "SCAN_ON_PUSH", appliedScanFilters: [{ filter: "team/*", filterType: "WILDCARD" }] });
    assert.equal(repositoryScanning(c, repo("prod-x-api")).scanFrequency, "SCAN_ON_PUSH");
    assert.equal(repositoryScanning(c, repo("prodxapi")).scanFrequency, "MANUAL", "a dot or dash in a filter is literal");
    assert.deepEqual(repositoryScanning(defaultScanning, repo("mine", true)), { repositoryArn: repo("mine").arn, repositoryName: "mine", scanOnPush: true, scanFrequency: "SCAN_ON_PUSH", appliedScanFilters: [] });
    assert.deepEqual(parseStoredScanning(storedScanning(c)), c);
    assert.deepEqual(toEcrScanning(parseStoredScanning(undefined)), { scanType: "BASIC", rules: [] });
  });

  it("refuses what ECR refuses", () => {
    const wild = [{ filter: "*", filterType: "WILDCARD" as const }];
    assert.throws(() => checkScanning({ scanType: "BASIC", rules: [{ scanFrequency: "CONTINUOUS_SCAN", repositoryFilters: wild }] }), refused(/ENHANCED scanning only/));
    assert.throws(() => checkScanning({ rules: [1, 2, 3].map(() => ({ scanFrequency: "MANUAL" as const, repositoryFilters: wild })) }), refused(/less than or equal to 2/));
    assert.throws(() => checkScanning({ rules: [{ scanFrequency: "MANUAL", repositoryFilters: [] }] }), refused(/give 1 to 100 filters/));
    assert.throws(() => checkScanning({ rules: [{ scanFrequency: "MANUAL", repositoryFilters: [{ filter: "UP", filterType: "WILDCARD" }] }] }), refused(/is not a repository filter/));
    assert.equal(checkScanning({ scanType: "ENHANCED", rules: [{ scanFrequency: "CONTINUOUS_SCAN", repositoryFilters: wild }] }).scanType, "ENHANCED");
  });
});
