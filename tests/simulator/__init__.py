# Copyright 2026 The ClickSend SMS for Home Assistant authors. MIT License.
"""Tests of the ClickSend HTTP API v2 simulator itself."""
