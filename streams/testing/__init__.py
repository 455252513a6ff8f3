"""What the integration tests and the benchmarks share: a broker of their own, pipeline runs with fresh names,
workers, synthetic and hostile articles, and reading back and comparing what reached the output topics.
Imported as `streams.testing.harness` and `streams.testing.fuzz`; nothing in the worker uses it."""
