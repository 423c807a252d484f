"""Custom integrations, so that the test harness imports ours."""
