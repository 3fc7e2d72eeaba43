import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { compatibilityPage, compatibilityPagePath, operationStatus, servicesOnPage } from "../scripts/compat-page.js";

const onDisk = readFileSync(fileURLToPath(new URL(`../../${compatibilityPagePath}`, import.meta.url)), "utf8");
const services = servicesOnPage();

/** The page's table rows: operation → status, per `## <service>` section. */
function rowsOf(page: string, title: string): Map<string, string> {
  const section = page.split(/^## /m).find((s) => s.startsWith(title));
  assert.ok(section, `the page has a section for ${title}`);
  const rows = new Map<string, string>();
  for (const m of section.matchAll(/^\| (\w+) \| ([a-z ]+) \|/gm)) {
    assert.ok(!rows.has(m[1]!), `${m[1]} is listed once`);
    rows.set(m[1]!, m[2]!);
  }
  return rows;
}

describe(`${compatibilityPagePath}`, () => {
  it("is what `npm run compat` writes from the SDK models and the operation tables today", () => {
    assert.equal(onDisk, compatibilityPage(services), `${compatibilityPagePath} is stale: run npm run compat and commit it`);
  });

  for (const { title, model, table } of services) {
    it(`${title}: lists every operation of ${model.packageName}, each once, with the status the table gives it`, () => {
      const rows = rowsOf(onDisk, title);
      assert.deepEqual([...rows.keys()].sort(), [...model.operations]);
      for (const op of model.operations) assert.equal(rows.get(op), operationStatus(table, op).status, op);
    });

    it(`${title}: the table holds no operation the model does not have`, () => {
      for (const op of Object.keys(table.operations)) assert.ok(model.operations.includes(op), op);
    });
  }

  it("Amazon ECS: every operation of the model answers (implemented, or refused with the reason)", () => {
    const ecs = services.find((s) => s.title === "Amazon ECS")!;
    const unanswered = ecs.model.operations.filter((op) => operationStatus(ecs.table, op).answer === "`UnknownOperationException`");
    assert.deepEqual(unanswered, []);
  });

  it("an operation the SDK gains makes the page stale", () => {
    const [ecs, ecr] = services;
    const grown = { ...ecs!, model: { ...ecs!.model, operations: [...ecs!.model.operations, "LaunchRockets"].sort() } };
    assert.notEqual(compatibilityPage([grown, ecr!]), onDisk);
    assert.match(compatibilityPage([grown, ecr!]), /^\| LaunchRockets \| not yet \| `UnknownOperationException` \|/m);
  });
});
