/**
 * Elastic Load Balancing v2 resources as Berth keeps them: load balancers, target groups,
 * listeners, rules and target registrations. Shapes follow the ELBv2 API's members so that the API
 * layer only renames; times are epoch ms.
 */
import type { TargetHealthReason } from "./health.js";

export type LoadBalancerType = "application" | "network";
export type TargetGroupProtocol = "HTTP" | "HTTPS" | "TCP";
export type ListenerProtocol = "HTTP" | "HTTPS" | "TCP";
export type TargetType = "instance" | "ip";

export interface LoadBalancerRecord {
  readonly arn: string;
  readonly name: string;
  readonly type: LoadBalancerType;
  readonly scheme: "internet-facing" | "internal";
  readonly ipAddressType: "ipv4" | "dualstack";
  readonly createdAtMs: number;
  /** `idle_timeout.timeout_seconds` and the other attributes, by ELB's key. */
  readonly attributes: Readonly<Record<string, string>>;
}

export interface HealthCheck {
  readonly enabled: boolean;
  readonly protocol: TargetGroupProtocol;
  /** "traffic-port" or a port number as text, as ELB writes it. */
  readonly port: string;
  readonly path: string;
  readonly intervalSeconds: number;
  readonly timeoutSeconds: number;
  readonly healthyThreshold: number;
  readonly unhealthyThreshold: number;
  /** ELB's matcher: "200", "200,202", "200-299". */
  readonly httpCode: string;
}

export interface TargetGroupRecord {
  readonly arn: string;
  readonly name: string;
  readonly protocol: TargetGroupProtocol;
  readonly port: number;
  readonly targetType: TargetType;
  readonly vpcId: string;
  readonly healthCheck: HealthCheck;
  readonly createdAtMs: number;
  readonly attributes: Readonly<Record<string, string>>;
}

export interface ForwardTarget {
  readonly targetGroupArn: string;
  readonly weight: number;
}

export type Action =
  | { readonly type: "forward"; readonly order?: number | undefined; readonly targetGroups: readonly ForwardTarget[]; readonly stickinessSeconds?: number | undefined }
  | {
      readonly type: "fixed-response";
      readonly order?: number | undefined;
      readonly statusCode: string;
      readonly contentType?: string | undefined;
      readonly messageBody?: string | undefined;
    }
  | {
      readonly type: "redirect";
      readonly order?: number | undefined;
      readonly statusCode: "HTTP_301" | "HTTP_302";
      readonly protocol: string;
      readonly port: string;
      readonly host: string;
      readonly path: string;
      readonly query: string;
    };

export type Condition =
  | { readonly field: "path-pattern"; readonly values: readonly string[] }
  | { readonly field: "host-header"; readonly values: readonly string[] }
  | { readonly field: "http-header"; readonly headerName: string; readonly values: readonly string[] }
  | { readonly field: "query-string"; readonly values: readonly { readonly key?: string | undefined; readonly value: string }[] };

export interface ListenerRecord {
  readonly arn: string;
  readonly loadBalancerArn: string;
  readonly port: number;
  readonly protocol: ListenerProtocol;
  /** For HTTPS: the certificate, as a path to a PEM file holding the certificate and its key. */
  readonly certificateArn?: string | undefined;
  readonly sslPolicy?: string | undefined;
  readonly defaultActions: readonly Action[];
}

export interface RuleRecord {
  readonly arn: string;
  readonly listenerArn: string;
  /** 1 to 50,000; lower is evaluated first. */
  readonly priority: number;
  readonly conditions: readonly Condition[];
  readonly actions: readonly Action[];
}

/**
 * One registered target. `draining` once deregistered, until in-flight requests are done or the
 * deregistration delay has passed; then the record is removed. Targets a service registered
 * carry their task, and stay as `deregistered` (a tombstone) until the task has stopped, so that
 * they are not registered again.
 */
export interface TargetRecord {
  readonly targetGroupArn: string;
  /** An instance address (the container instance's host IP for instance targets) or an IP. */
  readonly id: string;
  readonly port: number;
  readonly registeredAtMs: number;
  readonly state: "registered" | "draining" | "deregistered";
  readonly drainUntilMs?: number | undefined;
  /** For targets a service registered: the task, its service ARN. */
  readonly taskArn?: string | undefined;
  readonly serviceArn?: string | undefined;
  /**
   * The last health its checks found, once settled (healthy or unhealthy), and since when: kept so
   * that after a server restart a healthy target keeps serving while its first checks run, as ELB's
   * targets do (lb/health-journal.ts writes it, lb/health-state.ts restores it).
   */
  readonly lastHealth?: SettledHealth | undefined;
}

/** A settled health-check outcome, as kept with a target. */
export interface SettledHealth {
  readonly state: "healthy" | "unhealthy";
  readonly reason?: TargetHealthReason | undefined;
  readonly description?: string | undefined;
  readonly sinceMs: number;
}

export const targetKey = (t: { readonly id: string; readonly port: number }): string => `${t.id}:${t.port}`;
