import type { Database, Statement } from "better-sqlite3";
import { EcsEventCursorMoved, type EcsEventRepository } from "../ecs-event-records.js";

/** The ECS events controller's cursor and states (migration 14). */
export class SqliteEcsEvents implements EcsEventRepository {
  private readonly cursorStmt: Statement<[], { revision: number }>;
  private readonly insertCursorStmt: Statement<[number]>;
  private readonly moveCursorStmt: Statement<[number, number]>;
  private readonly stateStmt: Statement<[string], { state: string }>;
  private readonly putStateStmt: Statement<[string, string]>;
  private readonly forgetStmt: Statement<[]>;

  constructor(db: Database) {
    this.cursorStmt = db.prepare("SELECT revision FROM ecs_event_cursor WHERE id = 1");
    this.insertCursorStmt = db.prepare("INSERT INTO ecs_event_cursor (id, revision) VALUES (1, ?) ON CONFLICT (id) DO NOTHING");
    this.moveCursorStmt = db.prepare("UPDATE ecs_event_cursor SET revision = ? WHERE id = 1 AND revision = ?");
    this.stateStmt = db.prepare("SELECT state FROM ecs_event_states WHERE key = ?");
    this.putStateStmt = db.prepare("INSERT INTO ecs_event_states (key, state) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET state = excluded.state");
    this.forgetStmt = db.prepare("DELETE FROM ecs_event_states WHERE key LIKE 'task:%' AND substr(key, 6) NOT IN (SELECT arn FROM tasks)");
  }

  cursor(): Promise<number | undefined> {
    return Promise.resolve(this.cursorStmt.get()?.revision);
  }

  states(keys: readonly string[]): Promise<ReadonlyMap<string, string>> {
    const found = new Map<string, string>();
    for (const k of keys) {
      const row = this.stateStmt.get(k);
      if (row) found.set(k, row.state);
    }
    return Promise.resolve(found);
  }

  advance(from: number | undefined, to: number): Promise<void> {
    const changed = from === undefined ? this.insertCursorStmt.run(to).changes : this.moveCursorStmt.run(to, from).changes;
    if (changed === 0) throw new EcsEventCursorMoved(from);
    return Promise.resolve();
  }

  setStates(states: ReadonlyMap<string, string>): Promise<void> {
    for (const [k, v] of states) this.putStateStmt.run(k, v);
    return Promise.resolve();
  }

  forgetGoneTasks(): Promise<number> {
    return Promise.resolve(this.forgetStmt.run().changes);
  }
}
