import { EventRuleConflictError, type EventRuleQuery, type EventRuleRecord, type EventRuleRepository } from "../event-rule-records.js";
import type { Page } from "../store.js";
import { page } from "../page.js";
import type { DocRow } from "./rows.js";
import { updateToVersion } from "./next-version.js";
import type { Sql } from "./sql.js";

/** EventBridge rules, as sqlite/event-rules.ts: one document per rule, its next due time a column for `due`. */
export class PostgresEventRules implements EventRuleRepository {
  constructor(private readonly db: Sql) {}

  async get(name: string): Promise<EventRuleRecord | undefined> {
    return (await this.db.row<DocRow<EventRuleRecord>>("SELECT doc FROM event_rules WHERE name = $1", [name]))?.doc;
  }

  async list(q: EventRuleQuery): Promise<Page<EventRuleRecord>> {
    // The prefix matched literally (left(), not LIKE).
    const rows = await this.db.rows<DocRow<EventRuleRecord>>(
      "SELECT doc FROM event_rules WHERE left(name, length($1)) = $1 AND name > $2 ORDER BY name LIMIT $3",
      [q.namePrefix ?? "", q.after ?? "", q.limit + 1],
    );
    return page(rows.map((r) => r.doc), q, (r) => r.name);
  }

  async due(nowMs: number, limit: number): Promise<EventRuleRecord[]> {
    const rows = await this.db.rows<DocRow<EventRuleRecord>>("SELECT doc FROM event_rules WHERE next_fire_ms <= $1 ORDER BY next_fire_ms LIMIT $2", [nowMs, limit]);
    return rows.map((r) => r.doc);
  }

  async withPattern(): Promise<EventRuleRecord[]> {
    // The partial index event_rules_pattern holds these rows only (the same expression).
    return (await this.db.rows<DocRow<EventRuleRecord>>("SELECT doc FROM event_rules WHERE has_pattern ORDER BY name")).map((r) => r.doc);
  }

  async soonest(): Promise<number | undefined> {
    return (await this.db.row<{ t: number | null }>("SELECT min(next_fire_ms) AS t FROM event_rules"))?.t ?? undefined;
  }

  async put(r: EventRuleRecord): Promise<void> {
    const next = r.state === "ENABLED" ? (r.nextFireMs ?? null) : null;
    const doc = JSON.stringify(r);
    const hasPattern = r.eventPattern !== undefined;
    const changed =
      r.version === 1
        ? await this.db.run("INSERT INTO event_rules (name, version, next_fire_ms, has_pattern, doc) VALUES ($1, 1, $2, $3, $4) ON CONFLICT (name) DO NOTHING", [r.name, next, hasPattern, doc])
        : await updateToVersion(this.db, "UPDATE event_rules SET version = $1, next_fire_ms = $2, has_pattern = $3, doc = $4 WHERE name = $5 AND version = $1 - 1", r.version, [next, hasPattern, doc, r.name]);
    if (changed === 0) throw new EventRuleConflictError(r.name);
  }

  async delete(name: string): Promise<void> {
    await this.db.run("DELETE FROM event_rules WHERE name = $1", [name]);
  }
}
