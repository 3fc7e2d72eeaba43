import { connect, type Socket } from "node:net";
import type { ProxyContext } from "./proxy.js";
import { pickWeighted } from "./routing.js";

/**
 * A network load balancer's TCP listener: each connection is tunnelled whole to one healthy target
 * of the listener's target group, and counted in flight until either side closes (so draining
 * waits for it, up to the deregistration delay). No target: the connection is closed.
 */
export function handleTcp(ctx: ProxyContext, client: Socket): void {
  const action = ctx.listener()?.record.defaultActions[0];
  const chosen = action?.type === "forward" ? pickWeighted(action.targetGroups, ctx.random()) : undefined;
  const group = chosen && ctx.group(chosen.targetGroupArn);
  const target = group && ctx.balancer.pick(group);
  if (!group || !target) {
    client.destroy();
    return;
  }
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
