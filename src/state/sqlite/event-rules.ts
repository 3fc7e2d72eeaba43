import type { Database, Statement } from "better-sqlite3";
import { EventRuleConflictError, type EventRuleQuery, type EventRuleRecord, type EventRuleRepository } from "../event-rule-records.js";
import type { Page } from "../store.js";
import { page } from "../page.js";
import { parseDoc, type DocRow } from "./rows.js";

/** EventBridge rules (migration 11): one document per rule, its next due time a column for `due`. */
export class SqliteEventRules implements EventRuleRepository {
  private readonly getStmt: Statement<[string], DocRow>;
  private readonly listStmt: Statement<[string, string, string, number], DocRow>;
  private readonly dueStmt: Statement<[number, number], DocRow>;
  private readonly patternStmt: Statement<[], DocRow>;
  private readonly soonestStmt: Statement<[], { t: number | null }>;
  private readonly insertStmt: Statement<[string, number, number | null, string]>;
  private readonly updateStmt: Statement<[number, number | null, string, string, number]>;
  private readonly deleteStmt: Statement<[string]>;

  constructor(db: Database) {
    this.getStmt = db.prepare("SELECT doc FROM event_rules WHERE name = ?");
    // The prefix matched literally (substr, not LIKE), twice bound.
    this.listStmt = db.prepare("SELECT doc FROM event_rules WHERE substr(name, 1, length(?)) = ? AND name > ? ORDER BY name LIMIT ?");
    this.dueStmt = db.prepare("SELECT doc FROM event_rules WHERE next_fire_ms <= ? ORDER BY next_fire_ms LIMIT ?");
    // The partial index event_rules_pattern (migration 14) holds these rows only.
    this.patternStmt = db.prepare("SELECT doc FROM event_rules WHERE json_extract(doc, '$.eventPattern') IS NOT NULL ORDER BY name");
    this.soonestStmt = db.prepare("SELECT min(next_fire_ms) AS t FROM event_rules");
    this.insertStmt = db.prepare("INSERT INTO event_rules (name, version, next_fire_ms, doc) VALUES (?, ?, ?, ?) ON CONFLICT (name) DO NOTHING");
    this.updateStmt = db.prepare("UPDATE event_rules SET version = ?, next_fire_ms = ?, doc = ? WHERE name = ? AND version = ?");
    this.deleteStmt = db.prepare("DELETE FROM event_rules WHERE name = ?");
  }

  get(name: string): Promise<EventRuleRecord | undefined> {
    const row = this.getStmt.get(name);
    return Promise.resolve(row && parseDoc<EventRuleRecord>(row));
  }

  list(q: EventRuleQuery): Promise<Page<EventRuleRecord>> {
    const prefix = q.namePrefix ?? "";
    const rows = this.listStmt.all(prefix, prefix, q.after ?? "", q.limit + 1).map((r) => parseDoc<EventRuleRecord>(r));
    return Promise.resolve(page(rows, q, (r) => r.name));
  }

  due(nowMs: number, limit: number): Promise<EventRuleRecord[]> {
    return Promise.resolve(this.dueStmt.all(nowMs, limit).map((r) => parseDoc<EventRuleRecord>(r)));
  }

  withPattern(): Promise<EventRuleRecord[]> {
    return Promise.resolve(this.patternStmt.all().map((r) => parseDoc<EventRuleRecord>(r)));
  }

  soonest(): Promise<number | undefined> {
    return Promise.resolve(this.soonestStmt.get()?.t ?? undefined);
  }

  put(r: EventRuleRecord): Promise<void> {
    const next = r.state === "ENABLED" ? (r.nextFireMs ?? null) : null;
    const doc = JSON.stringify(r);
    const changed = r.version === 1 ? this.insertStmt.run(r.name, 1, next, doc).changes : this.updateStmt.run(r.version, next, doc, r.name, r.version - 1).changes;
    if (changed === 0) throw new EventRuleConflictError(r.name);
    return Promise.resolve();
  }

  delete(name: string): Promise<void> {
    this.deleteStmt.run(name);
    return Promise.resolve();
  }
}
