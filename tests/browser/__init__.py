"""Browser journeys in headless Chromium (Playwright with the system browser)."""
