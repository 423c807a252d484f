# Copyright 2026 The ClickSend SMS for Home Assistant authors. MIT License.
"""Tests of the ClickSend API client, which knows nothing of Home Assistant."""
