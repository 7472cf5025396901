"""Benchmarks and accuracy evaluations (`make bench`, `make eval`). Not run by `make test`."""
