import { z } from "zod";

/** One series of an instant vector: its labels and its value at the query's time. */
export interface Sample {
  labels: Record<string, string>;
  value: number;
}

export type InstantResult = { ok: true; series: Sample[] } | { ok: false; error: string };

// The shape of Prometheus's `/api/v1/query` answer (https://prometheus.io/docs/prometheus/latest/querying/api/).
const Answer = z.object({
  status: z.enum(["success", "error"]),
  error: z.string().optional(),
  errorType: z.string().optional(),
  data: z
    .object({
      resultType: z.string(),
      result: z.unknown(),
    })
    .optional(),
});

const VectorResult = z.array(
  z.object({
    metric: z.record(z.string(), z.string()),
    value: z.tuple([z.number(), z.string()]),
  }),
);

function messageOf(error: unknown): string {
  if (error instanceof Error) {
    if (error.name === "TimeoutError") return "timed out";
    const cause = (error as { cause?: unknown }).cause;
    return cause instanceof Error ? `${error.message}: ${cause.message}` : error.message;
  }
  return String(error);
}

/**
 * One PromQL instant query at `time` (ms), through `fetch` with a timeout. Never throws: any
 * failure (connection, timeout, HTTP status, Prometheus's own error, a result that is not an instant
 * vector) comes back as `{ ok: false, error }` in words a person can act on.
 */
export async function instantQuery(
  baseUrl: string,
  query: string,
  opts: { time: number; timeoutMs: number },
): Promise<InstantResult> {
  const url = `${baseUrl.replace(/\/+$/, "")}/api/v1/query`;
  const form = new URLSearchParams({ query, time: (opts.time / 1000).toFixed(3) });
  let status: number;
  let text: string;
  try {
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
      body: form,
      signal: AbortSignal.timeout(opts.timeoutMs),
    });
    status = res.status;
    text = await res.text();
  } catch (error) {
    return { ok: false, error: `${url}: ${messageOf(error)}` };
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { ok: false, error: `${url} answered HTTP ${status} without JSON (is it a Prometheus server?)` };
  }
  const answer = Answer.safeParse(body);
  if (!answer.success)
    return { ok: false, error: `${url} answered HTTP ${status}, not a Prometheus query answer` };
  if (answer.data.status === "error")
    return {
      ok: false,
      error: `Prometheus: ${answer.data.errorType ?? "error"}: ${answer.data.error ?? ""}`,
    };
  const data = answer.data.data;
  if (data?.resultType !== "vector")
    return {
      ok: false,
      error: `the query returned a ${data?.resultType ?? "missing result"}, not an instant vector`,
    };
  const vector = VectorResult.safeParse(data.result);
  if (!vector.success) return { ok: false, error: "Prometheus answered a malformed vector" };
  return {
    ok: true,
    series: vector.data
      .map((s) => ({ labels: s.metric, value: Number(s.value[1]) }))
      // NaN (0/0 in a query) or ±Inf is no count at all.
      .filter((s) => Number.isFinite(s.value)),
  };
}
