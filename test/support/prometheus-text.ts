import { execFile } from "node:child_process";

/** One sample of a family, as Prometheus' parser reads it (`h_bucket`, `h_count`, … for a histogram). */
export interface PromSample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface PromFamily {
  readonly name: string;
  readonly type: string;
  readonly samples: readonly PromSample[];
}

/** Prometheus' own text-format parser (the official Python client's, Debian's python3-prometheus-client). */
const script = `
import json, sys
from prometheus_client.parser import text_string_to_metric_families
out = [{"name": f.name, "type": f.type, "samples": [{"name": s.name, "labels": s.labels, "value": s.value} for s in f.samples]}
       for f in text_string_to_metric_families(sys.stdin.read())]
print(json.dumps(out))
`;

/** Parses Prometheus text with Prometheus' parser; rejects with the parser's error for text it refuses. */
export function parsePrometheusText(text: string): Promise<PromFamily[]> {
  return new Promise((resolve, reject) => {
    const child = execFile("/usr/bin/python3", ["-c", script], { maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`Prometheus' parser refused the text: ${stderr || err.message}`));
      else resolve(JSON.parse(stdout) as PromFamily[]);
    });
    child.stdin?.end(text);
  });
}
