"""Benchmarks (bench_*: speed), evaluations (eval_*: quality) and checks (check_*); run each as
``python -m benchmarks.<name>`` from the repository root."""
