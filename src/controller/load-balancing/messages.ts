/** Service events of the load-balancing controller, in ECS's words. */
export const lbMessages = {
  registered: (service: string, n: number, tg: string) => `(service ${service}) registered ${n} targets in (target-group ${tg})`,
  deregistered: (service: string, n: number, tg: string) => `(service ${service}) deregistered ${n} targets in (target-group ${tg})`,
  draining: (service: string, n: number) => `(service ${service}) has begun draining connections on ${n} tasks.`,
  unhealthy: (service: string, task: string, tg: string, reason: string) => `(service ${service}) (task ${task}) is unhealthy in (target-group ${tg}) due to (reason ${reason}).`,
  waitingForDrain: (service: string, task: string, untilIso: string) =>
    `(service ${service}) (task ${task}) is draining: it is stopped once its requests in flight are done, at the latest at ${untilIso} (the target group's deregistration delay).`,
};
