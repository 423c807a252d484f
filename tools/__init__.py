"""Development tools shared by the end-to-end tests and the soak script."""
