"""The prover benchmark's modules; bench/bench_prover.py is the command line and says what each command measures."""
