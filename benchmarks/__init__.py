"""Benchmarks: ``python -m benchmarks`` runs the suite (``benchmarks/run.py``),
``python -m benchmarks.cold_start`` the cold start alone."""
