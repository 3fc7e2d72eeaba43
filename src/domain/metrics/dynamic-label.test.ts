import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { expandLabel } from "./dynamic-label.js";
import { metricId } from "./series.js";
import type { StatQuery } from "./queries.js";

const q: StatQuery = {
  kind: "stat",
  id: "cpu",
  label: "",
  returnData: true,
  metric: metricId("AWS/ECS", "CPUUtilization", [{ name: "ServiceName", value: "web" }, { name: "ClusterName", value: "prod" }]),
  periodMs: 300_000,
  stat: "p99",
};
const partition = { region: "eu-west-1", accountId: "123456789012" };

describe("dynamic labels", () => {
  it("expands the metric's properties and its default label", () => {
    assert.equal(
      expandLabel("${PROP('Dim.ServiceName')} in ${PROP('Dim.ClusterName')}: ${PROP('Namespace')} ${PROP('MetricName')} ${PROP('Stat')}/${PROP('Period')}s (${PROP('AccountId')}, ${PROP('Region')}) ${LABEL}", q, partition),
      "web in prod: AWS/ECS CPUUtilization p99/300s (123456789012, eu-west-1) CPUUtilization",
    );
  });

  it("gives an absent dimension as empty, and leaves what it does not expand as written", () => {
    assert.equal(expandLabel("[${PROP('Dim.TaskId')}] max ${MAX} ${PROP('AccountLabel')} $ {x}", q, partition), "[] max ${MAX} ${PROP('AccountLabel')} $ {x}");
    assert.equal(expandLabel("plain", q, partition), "plain");
  });
});
