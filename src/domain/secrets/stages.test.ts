import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import type { SecretVersion } from "./secret.js";
import { addVersion, maxVersions, moveStage } from "./stages.js";

const v = (id: string, ...stages: string[]): SecretVersion => ({ id, stages: [...stages].sort(), createdMs: 0 });
const labels = (versions: readonly SecretVersion[]) => Object.fromEntries(versions.map((x) => [x.id, x.stages.join(",")]));
const added = (id: string) => ({ id, createdMs: 1 });

describe("staging labels when a version is added (PutSecretValue, UpdateSecret, CreateSecret)", () => {
  // Each case as Secrets Manager answers it (AWS-recorded answers: localstack's secretsmanager snapshot tests).
  const cases: [string, SecretVersion[], string[] | undefined, Record<string, string>][] = [
    ["the first version is current, whatever was asked", [], ["PENDING"], { n: "AWSCURRENT,PENDING" }],
    ["a new value becomes current and the old current previous; the old previous is deprecated", [v("a", "AWSPREVIOUS"), v("b", "AWSCURRENT")], undefined, { a: "", b: "AWSPREVIOUS", n: "AWSCURRENT" }],
    ["asked labels move; AWSCURRENT stays where it is", [v("a", "AWSCURRENT"), v("b", "one", "three", "two")], ["four", "one", "two"], { a: "AWSCURRENT", b: "three", n: "four,one,two" }],
    ["AWSPENDING moves like any label", [v("a", "AWSPREVIOUS"), v("b", "AWSCURRENT", "AWSPENDING")], ["AWSPENDING"], { a: "AWSPREVIOUS", b: "AWSCURRENT", n: "AWSPENDING" }],
    ["current moving off a version that is also pending ends that rotation: it keeps neither", [v("a", "AWSPREVIOUS"), v("b", "AWSCURRENT", "AWSPENDING")], undefined, { a: "", b: "AWSPREVIOUS", n: "AWSCURRENT" }],
    ["a custom label goes with current, and other labels stay on the old current", [v("a", "AWSCURRENT", "PUT1")], ["AWSCURRENT", "PUT0"], { a: "AWSPREVIOUS,PUT1", n: "AWSCURRENT,PUT0" }],
    ["a version asking for AWSPREVIOUS itself keeps the old current from taking it", [v("a", "AWSCURRENT")], ["AWSCURRENT", "AWSPREVIOUS"], { a: "", n: "AWSCURRENT,AWSPREVIOUS" }],
  ];
  for (const [what, before, asked, after] of cases) {
    it(what, () => assert.deepEqual(labels(addVersion(before, added("n"), asked).versions), after));
  }

  it(`keeps at most ${maxVersions} versions, dropping the oldest deprecated ones, never a labelled one`, () => {
    let versions: readonly SecretVersion[] = [v("pinned", "KEEP")];
    const dropped: string[] = [];
    for (let i = 0; i < 150; i++) {
      const change = addVersion(versions, added(`v${i}`));
      versions = change.versions;
      dropped.push(...change.dropped);
    }
    assert.equal(versions.length, maxVersions);
    assert.deepEqual(versions[0], v("pinned", "KEEP"));
    assert.deepEqual(versions.slice(-2).map((x) => labels([x])), [{ v148: "AWSPREVIOUS" }, { v149: "AWSCURRENT" }]);
    assert.deepEqual(dropped, Array.from({ length: 51 }, (_, i) => `v${i}`), "151 made, 100 kept");
  });
});

describe("UpdateSecretVersionStage", () => {
  const versions = [v("a", "AWSPREVIOUS"), v("b", "AWSCURRENT", "PUT1"), v("c", "AWSPENDING")];

  it("moving AWSCURRENT names the version it leaves, which takes AWSPREVIOUS", () => {
    const moved = moveStage(versions, { label: "AWSCURRENT", removeFrom: "b", moveTo: "c" });
    assert.ok(typeof moved !== "string");
    assert.deepEqual(labels(moved.versions), { a: "", b: "AWSPREVIOUS,PUT1", c: "AWSCURRENT,AWSPENDING" });
  });

  it("attaches a free label, removes one, and moves a label back onto a version that had AWSPREVIOUS", () => {
    const attached = moveStage(versions, { label: "NEW", moveTo: "a" });
    assert.ok(typeof attached !== "string");
    assert.equal(labels(attached.versions).a, "AWSPREVIOUS,NEW");
    const removed = moveStage(versions, { label: "AWSPENDING", removeFrom: "c" });
    assert.ok(typeof removed !== "string");
    assert.equal(labels(removed.versions).c, "");
    const back = moveStage(versions, { label: "AWSCURRENT", removeFrom: "b", moveTo: "a" });
    assert.ok(typeof back !== "string");
    assert.deepEqual(labels(back.versions), { a: "AWSCURRENT", b: "AWSPREVIOUS,PUT1", c: "AWSPENDING" });
  });

  const refusals: [string, Parameters<typeof moveStage>[1], RegExp][] = [
    ["a label attached elsewhere, without RemoveFromVersionId", { label: "AWSCURRENT", moveTo: "c" }, /^The parameter RemoveFromVersionId can't be empty\. Staging label AWSCURRENT is currently attached to version b/],
    ["RemoveFromVersionId that does not hold the label", { label: "AWSCURRENT", removeFrom: "a", moveTo: "c" }, /^Version stage AWSCURRENT not found in version a$/],
    ["a version the secret does not have", { label: "X", moveTo: "zzz" }, /^Not a valid version: zzz$/],
    ["AWSCURRENT removed without a new home", { label: "AWSCURRENT", removeFrom: "b" }, /can only be moved to another version/],
    ["neither version", { label: "X" }, /Specify MoveToVersionId/],
  ];
  for (const [what, move, message] of refusals) {
    it(`refuses ${what}`, () => {
      const answer = moveStage(versions, move);
      assert.ok(typeof answer === "string", "refused");
      assert.match(answer, message);
    });
  }
});

describe("staging labels' invariants over any sequence of puts and moves (property)", () => {
  const labelPool = ["AWSCURRENT", "AWSPREVIOUS", "AWSPENDING", "A", "B"];
  const step = fc.oneof(
    fc.record({ put: fc.option(fc.subarray(labelPool, { minLength: 1 }), { nil: undefined }) }),
    fc.record({ label: fc.constantFrom(...labelPool), from: fc.nat(), to: fc.option(fc.nat(), { nil: undefined }) }),
  );

  it("each label is on one version at most, a secret with versions has one current, and versions are dropped only past the limit", () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 250 }), (steps) => {
        let versions: readonly SecretVersion[] = [];
        let made = 0;
        for (const s of steps) {
          let change: ReturnType<typeof addVersion> | string;
          if ("put" in s) {
            change = addVersion(versions, added(`v${made++}`), s.put);
          } else {
            const pick = (n: number) => versions[n % Math.max(1, versions.length)]?.id;
            const holder = versions.find((v) => v.stages.includes(s.label))?.id;
            change = moveStage(versions, { label: s.label, removeFrom: holder ?? pick(s.from), moveTo: s.to === undefined ? undefined : pick(s.to) });
          }
          if (typeof change === "string") continue;
          // Whatever was dropped held no label the secret still needs: every label kept is on a kept version.
          const labelsBefore = new Set(versions.flatMap((v) => v.stages));
          versions = change.versions;
          if (change.dropped.length > 0) assert.ok(versions.length === maxVersions, "versions are dropped only past the limit");
          assert.ok(labelsBefore.has("AWSCURRENT") ? versions.some((v) => v.stages.includes("AWSCURRENT")) : true);
          for (const label of labelPool) assert.ok(versions.filter((v) => v.stages.includes(label)).length <= 1, label);
          assert.equal(versions.filter((v) => v.stages.includes("AWSCURRENT")).length, versions.length > 0 ? 1 : 0);
          assert.ok(versions.filter((v) => v.stages.length === 0).length <= maxVersions);
          for (const id of change.dropped) assert.ok(!versions.some((v) => v.id === id));
        }
      }),
      { numRuns: 200 },
    );
  });
});
