import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseSearch, partialMatch, searchMatches, SearchError } from "./search.js";
import { metricId, type MetricId } from "./series.js";

const account = "000000000000";
const ec2 = (metricName: string, dims: Record<string, string>): MetricId => metricId("AWS/EC2", metricName, Object.entries(dims).map(([name, value]) => ({ name, value })));
const cpu1 = ec2("CPUUtilization", { InstanceId: "i-1234567890123456" });
const cpu2 = ec2("CPUUtilization", { InstanceId: "i-9999999999999999" });
const cpuType = ec2("CPUUtilization", { InstanceType: "t2.micro" });
const readOps = metricId("AWS/EBS", "VolumeReadOps", [{ name: "VolumeId", value: "vol-1" }]);
const custom = metricId("MyNamespace", "CustomCount1", [{ name: "Project", value: "ProjectA" }]);
const lambdaErrors = metricId("AWS/Lambda", "Errors", [{ name: "FunctionName", value: "shop" }]);
const lambdaCalls = (fn: string) => metricId("AWS/Lambda", "Invocations", [{ name: "FunctionName", value: fn }]);
const all = [cpu1, cpu2, cpuType, readOps, custom, lambdaErrors, lambdaCalls("ProjectA-web"), lambdaCalls("other")];

const found = (query: string): MetricId[] => all.filter((m) => searchMatches(parseSearch(query), m, account));

describe("search expressions", () => {
  it("tokenizes names as CloudWatch's guide shows: partial terms of one part in any case, composite terms in the case written", () => {
    for (const t of ["count", "Count", "COUNT", "CustomCount", "Count1", "custom", "1", "customcount1"]) assert.ok(partialMatch(t, "CustomCount1"), t);
    for (const t of ["couNT", "customcount", "count1", "Custom2"]) assert.ok(!partialMatch(t, "CustomCount1"), t);
    for (const t of ["sdb", "failure", "sdbfailure"]) assert.ok(partialMatch(t, "SDBFailure"), t);
    for (const t of ["project2trial333", "project", "2", "trial", "333"]) assert.ok(partialMatch(t, "Project2-trial333"), t);
    for (const t of ["network/errors", "network+errors", "network-errors", "Network_Errors"]) {
      assert.ok(partialMatch(t, "Network-Errors-2") && partialMatch(t, "NetworkErrors2"), t);
    }
    assert.ok(partialMatch("micro", "t2.micro"));
    assert.ok(!partialMatch("errors/network", "Network-Errors-2"), "the parts stand in a row, in order");
  });

  it("a schema keeps the metrics of its namespace with exactly its dimension names", () => {
    assert.deepEqual(found('{AWS/EC2,InstanceId} MetricName="CPUUtilization"'), [cpu1, cpu2]);
    assert.deepEqual(found("{AWS/EC2,InstanceType}"), [cpuType]);
    assert.deepEqual(found('{"AWS/Lambda","FunctionName"}'), [lambdaErrors, lambdaCalls("ProjectA-web"), lambdaCalls("other")]);
    assert.deepEqual(found("{AWS/EC2}"), [], "no EC2 metric here is without dimensions");
  });

  it("exact terms, designators and boolean operators", () => {
    assert.deepEqual(found('"CustomCount1"'), [custom]);
    assert.deepEqual(found('"customcount1"'), []);
    assert.deepEqual(found('"Custom"'), []);
    assert.deepEqual(found("InstanceType=micro"), [cpuType]);
    assert.deepEqual(found('InstanceType="t2.micro" Namespace="AWS/EC2"'), [cpuType]);
    assert.deepEqual(found('{AWS/EC2,InstanceId} MetricName="CPUUtilization" NOT i-1234567890123456'), [cpu2]);
    assert.deepEqual(found("NOT Namespace=AWS"), [custom]);
    assert.deepEqual(found("(EC2 OR EBS) AND MetricName=ReadOps"), [readOps]);
    assert.deepEqual(found("(EC2 OR EBS) MetricName=ReadOps"), [readOps], "no operator between terms is AND");
    assert.deepEqual(found('{AWS/Lambda,FunctionName} MetricName="Errors" OR (MetricName="Invocations" AND (ProjectA OR ProjectB))'), [lambdaErrors, lambdaCalls("ProjectA-web")]);
    assert.deepEqual(found('{"AWS/EC2","InstanceId"} MetricName="CPUUtilization" "InstanceId"=("i-9999999999999999" OR "i-0")'), [cpu2], "Grafana's multi-value filter");
    assert.deepEqual(found(`Namespace="MyNamespace" :aws.AccountId="${account}"`), [custom]);
    assert.deepEqual(found('Namespace="MyNamespace" :aws.AccountId="111111111111"'), []);
    assert.deepEqual(found('{MyNamespace, Project}, "CustomCount1"'), [custom], "a comma may follow the schema");
  });

  it("exact terms take escaped quotes, backslashes and parentheses", () => {
    const odd = metricId("Odd", "Europe\\France Traffic(Network)", []);
    assert.ok(searchMatches(parseSearch('"Europe\\\\France Traffic\\(Network\\)"'), odd, account));
  });

  it("refuses what it cannot read, saying what is wrong", () => {
    for (const [query, message] of [
      ["", /needs a schema/],
      ["{AWS/EC2", /not closed by '}'/],
      ["(a OR b", /not closed by '\)'/],
      ['"open', /not closed/],
      ["a OR", /ends where a term was expected/],
      ["a = b = c", /cannot stand inside/],
      ["x".repeat(1025), /longer than 1024/],
    ] as const) {
      assert.throws(() => parseSearch(query), (e: Error) => e instanceof SearchError && message.test(e.message), query.slice(0, 20));
    }
  });
});
