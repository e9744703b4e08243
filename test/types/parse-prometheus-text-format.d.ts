declare module "parse-prometheus-text-format" {
  /** Metric families as the parser gives them: values and labels as strings. */
  export default function parsePrometheusTextFormat(text: string): unknown[];
}
