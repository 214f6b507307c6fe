// The package ships no types. Its output follows prom2json: one family per metric name.
declare module 'parse-prometheus-text-format' {
  namespace parsePrometheusTextFormat {
    interface PrometheusSample {
      value?: string;
      labels?: Record<string, string>;
      timestamp_ms?: string;
      /** Histograms: upper bound → cumulative count; summaries: quantile → value. */
      buckets?: Record<string, string>;
      quantiles?: Record<string, string>;
      count?: string;
      sum?: string;
    }

    interface PrometheusFamily {
      name: string;
      help: string;
      type: 'COUNTER' | 'GAUGE' | 'HISTOGRAM' | 'SUMMARY' | 'UNTYPED';
      metrics: PrometheusSample[];
    }
  }

  /** Throws on a line that is not valid Prometheus text exposition format. */
  function parsePrometheusTextFormat(text: string): parsePrometheusTextFormat.PrometheusFamily[];
  export = parsePrometheusTextFormat;
}
