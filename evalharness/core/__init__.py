"""Results and keys (Span, Claim, Verdict, MetricKey), the report and its JSON, config types and loading, the scorer registry."""
