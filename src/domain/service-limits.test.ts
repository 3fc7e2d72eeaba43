import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { AwsError } from "../errors/catalog.js";
import {
  checkCapacityProviderStrategy,
  checkClientToken,
  checkDeploymentPercents,
  checkDesiredCount,
  checkGracePeriod,
} from "./service-limits.js";

const daemonCount = "The daemon scheduling strategy does not support a desired count for services. Remove the desired count value and try again";
const daemonMax =
  "The daemon scheduling strategy does not support values above 100 for maximumPercent on a deployment configuration. Change the maximumPercent value to 100, and try again";
const countRange = (n: number) =>
  `Invalid desiredCount ${n}: a service's desired count must be a whole number from 0 to 5000 (the Amazon ECS quota of tasks per service).`;
const providers = (n: number) => Array.from({ length: n }, (_, i) => ({ capacityProvider: `cp${i}` }));
const token = "Invalid clientToken: use 1 to 36 ASCII characters from '!' to '~' (codes 33 to 126), without spaces.";

/** [what, the check, the exact InvalidParameterException message, or undefined when accepted] */
const cases: readonly [string, () => unknown, string | undefined][] = [
  ["desiredCount 5001", () => checkDesiredCount("REPLICA", 5001), countRange(5001)],
  ["desiredCount 5000", () => checkDesiredCount("REPLICA", 5000), undefined],
  ["desiredCount 0", () => checkDesiredCount("REPLICA", 0), undefined],
  ["desiredCount -1", () => checkDesiredCount("REPLICA", -1), countRange(-1)],
  ["desiredCount 1.5", () => checkDesiredCount("REPLICA", 1.5), countRange(1.5)],
  ["desiredCount 2147483647", () => checkDesiredCount("REPLICA", 2_147_483_647), countRange(2_147_483_647)],
  ["no desiredCount", () => checkDesiredCount("REPLICA", undefined), undefined],
  ["a DAEMON service with desiredCount 1", () => checkDesiredCount("DAEMON", 1), daemonCount],
  ["a DAEMON service with desiredCount 0", () => checkDesiredCount("DAEMON", 0), daemonCount],
  ["a DAEMON service without desiredCount", () => checkDesiredCount("DAEMON", undefined), undefined],
  ["healthCheckGracePeriodSeconds -1", () => checkGracePeriod(-1), "Invalid healthCheckGracePeriodSeconds -1: use a whole number of seconds from 0 to 2147483647."],
  ["healthCheckGracePeriodSeconds 2147483647", () => checkGracePeriod(2_147_483_647), undefined],
  ["minimumHealthyPercent 101", () => checkDeploymentPercents("REPLICA", 101, 200), "Invalid minimumHealthyPercent 101: use a whole number from 0 to 100."],
  ["minimumHealthyPercent -1", () => checkDeploymentPercents("REPLICA", -1, 200), "Invalid minimumHealthyPercent -1: use a whole number from 0 to 100."],
  ["minimumHealthyPercent 100 and maximumPercent 100", () => checkDeploymentPercents("REPLICA", 100, 100), undefined],
  ["maximumPercent 99", () => checkDeploymentPercents("REPLICA", 0, 99), "Invalid maximumPercent 99: use a whole number of 100 or more."],
  ["a DAEMON service with maximumPercent 200", () => checkDeploymentPercents("DAEMON", 0, 200), daemonMax],
  ["a DAEMON service with maximumPercent 100", () => checkDeploymentPercents("DAEMON", 50, 100), undefined],
  ["21 capacity providers", () => checkCapacityProviderStrategy(providers(21)), "capacityProviderStrategy can have at most 20 items; got 21."],
  ["20 capacity providers", () => checkCapacityProviderStrategy(providers(20)), undefined],
  ["a capacity provider base of 100001", () => checkCapacityProviderStrategy([{ capacityProvider: "cp", base: 100_001 }]), "Invalid base 100001 for capacity provider 'cp': use 0 to 100000."],
  ["a capacity provider weight of 1001", () => checkCapacityProviderStrategy([{ capacityProvider: "cp", weight: 1001 }]), "Invalid weight 1001 for capacity provider 'cp': use 0 to 1000."],
  ["a capacity provider name of 256 characters", () => checkCapacityProviderStrategy([{ capacityProvider: "c".repeat(256) }]), `Invalid capacity provider name '${"c".repeat(64)}': use 1 to 255 letters, numbers, underscores and hyphens.`],
  ["a capacity provider without a name", () => checkCapacityProviderStrategy([{ capacityProvider: "", weight: 1 }]), "Invalid capacity provider name '': use 1 to 255 letters, numbers, underscores and hyphens."],
  ["a capacity provider at base 100000 and weight 1000", () => checkCapacityProviderStrategy([{ capacityProvider: "cp", base: 100_000, weight: 1000 }]), undefined],
  ["a clientToken of 37 characters", () => checkClientToken("t".repeat(37)), token],
  ["a clientToken with a space", () => checkClientToken("a b"), token],
  ["a clientToken of 36 characters", () => checkClientToken("t".repeat(36)), undefined],
];

describe("CreateService and UpdateService limits", () => {
  for (const [what, check, message] of cases) {
    it(`${message === undefined ? "accepts" : "refuses"} ${what}`, () => {
      if (message === undefined) {
        assert.doesNotThrow(check);
        return;
      }
      assert.throws(check, (e: unknown) => e instanceof AwsError && e.code === "InvalidParameterException" && e.message === message);
    });
  }
});
