/** A place in a group's or stream's (timestamp, id) order of events; `id` is the store's insertion number. */
export interface LogPosition {
  readonly timestamp: number;
  readonly id: number;
}
