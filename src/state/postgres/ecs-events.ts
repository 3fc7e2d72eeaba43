import { EcsEventCursorMoved, type EcsEventRepository } from "../ecs-event-records.js";
import type { Sql } from "./sql.js";

/** The ECS events controller's cursor and states, as sqlite/ecs-events.ts. */
export class PostgresEcsEvents implements EcsEventRepository {
  constructor(private readonly db: Sql) {}

  async cursor(): Promise<number | undefined> {
    return (await this.db.row<{ revision: number }>("SELECT revision FROM ecs_event_cursor WHERE id = 1"))?.revision;
  }

  async states(keys: readonly string[]): Promise<ReadonlyMap<string, string>> {
    if (keys.length === 0) return new Map();
    const rows = await this.db.rows<{ key: string; state: string }>("SELECT key, state FROM ecs_event_states WHERE key = ANY($1::text[])", [[...keys]]);
    const byKey = new Map(rows.map((r) => [r.key, r.state]));
    // In the order asked, as SQLite's loop over the keys gives them.
    const found = new Map<string, string>();
    for (const k of keys) {
      const state = byKey.get(k);
      if (state !== undefined) found.set(k, state);
    }
    return found;
  }

  async advance(from: number | undefined, to: number): Promise<void> {
    const changed =
      from === undefined
        ? await this.db.run("INSERT INTO ecs_event_cursor (id, revision) VALUES (1, $1) ON CONFLICT (id) DO NOTHING", [to])
        : await this.db.run("UPDATE ecs_event_cursor SET revision = $1 WHERE id = 1 AND revision = $2", [to, from]);
    if (changed === 0) throw new EcsEventCursorMoved(from);
  }

  async setStates(states: ReadonlyMap<string, string>): Promise<void> {
    // A map's keys are distinct: one statement touches each row once.
    if (states.size === 0) return;
    await this.db.run(
      `INSERT INTO ecs_event_states (key, state) SELECT k, s FROM unnest($1::text[], $2::text[]) AS t (k, s)
       ON CONFLICT (key) DO UPDATE SET state = excluded.state`,
      [[...states.keys()], [...states.values()]],
    );
  }

  forgetGoneTasks(): Promise<number> {
    // NOT EXISTS rather than SQLite's NOT IN: the same rows (a task's ARN is never NULL), and PostgreSQL
    // plans it as an anti-join by the ARN's index instead of a subquery it may rescan for every row.
    return this.db.run(
      "DELETE FROM ecs_event_states s WHERE s.key LIKE 'task:%' AND NOT EXISTS (SELECT 1 FROM tasks t WHERE t.arn = substr(s.key, 6))",
    );
  }
}
