"""pandapower's own short-circuit test suite, run with AmpFlux's numbers (see
``test_pandapower_suite.py``)."""
