"""What a running service tells its operators: Prometheus metrics (``metrics``, ``business``), JSON logs that
carry the ids of what is being worked on (``context``, ``logs``), and OpenTelemetry traces across HTTP and
Kafka (``tracing``, off unless the standard ``OTEL_*`` variables ask for it)."""
