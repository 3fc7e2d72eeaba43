/** An ECS service's resource id as Application Auto Scaling names it: `service/<cluster>/<service>`. */
export function parseServiceResourceId(resourceId: string): { readonly cluster: string; readonly service: string } | undefined {
  const m = /^service\/([A-Za-z0-9_-]{1,255})\/([A-Za-z0-9_-]{1,255})$/.exec(resourceId);
  return m ? { cluster: m[1]!, service: m[2]! } : undefined;
}
