"""Insights: privacy-safe turn and feedback events, their aggregates, and the admin page."""
