import type { AlarmRecord } from "./alarm.js";

/** One entry of an alarm's history (DescribeAlarmHistory). */
export interface AlarmHistoryRecord {
  readonly alarmName: string;
  readonly atMs: number;
  readonly type: "ConfigurationUpdate" | "StateUpdate" | "Action";
  readonly summary: string;
  /** CloudWatch's HistoryData: a JSON document. */
  readonly data: string;
}

/** The history entry of a state change, in CloudWatch's form. */
export function stateUpdate(a: AlarmRecord, from: AlarmRecord["state"], atMs: number): AlarmHistoryRecord {
  return {
    alarmName: a.name,
    atMs,
    type: "StateUpdate",
    summary: `Alarm updated from ${from} to ${a.state}`,
    data: JSON.stringify({
      version: "1.0",
      oldState: { stateValue: from },
      newState: { stateValue: a.state, stateReason: a.stateReason, ...(a.stateReasonData && { stateReasonData: JSON.parse(a.stateReasonData) as unknown }) },
    }),
  };
}
