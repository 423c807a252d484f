"""Tests of the ClickSend SMS integration, its client and its simulator."""
