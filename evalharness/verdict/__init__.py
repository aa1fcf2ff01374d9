"""Rules to pass/fail: the gate on one run, the comparison with a baseline."""
