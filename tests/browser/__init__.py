"""A person's journey with ClickSend SMS in a real browser."""
