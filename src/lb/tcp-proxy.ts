import { connect, type Socket } from "node:net";
import type { ProxyContext } from "./proxy.js";
import { pickWeighted } from "./routing.js";

/**
 * A network load balancer's TCP listener: each connection is tunnelled whole to one healthy target
 * of the listener's target group (the same one for a client address while it stays healthy, with
 * source_ip stickiness), and counted in flight until either side closes (so draining waits for
 * it, up to the deregistration delay). No target: the connection is closed.
 */
export function handleTcp(ctx: ProxyContext, client: Socket): void {
  const live = ctx.listener();
  const action = live?.record.defaultActions[0];
  const chosen = action?.type === "forward" ? pickWeighted(action.targetGroups, ctx.random()) : undefined;
  const group = chosen && ctx.group(chosen.targetGroupArn);
  const sourceIp = group?.record.attributes["stickiness.enabled"] === "true" && group.record.attributes["stickiness.type"] === "source_ip";
  const target = group && ctx.balancer.pick(group, sourceIp ? { affinity: client.remoteAddress ?? "" } : {});
  if (!live || !group || !target) {
    client.destroy();
    return;
  }
  ctx.traffic.count(live.loadBalancer.arn, group.record.arn, "NewFlowCount");
  const end = ctx.balancer.begin(group.record.arn, target.key);
  const upstream = connect({ host: target.address, port: target.record.port });
  const close = (): void => {
    end();
    upstream.destroy();
    client.destroy();
  };
  upstream.once("connect", () => {
    upstream.pipe(client);
    client.pipe(upstream);
  });
  for (const s of [upstream, client]) {
    s.once("error", close);
    s.once("close", close);
  }
}
