"""The channels' durable inbox: persisted before acknowledging, deduplicated, ordered per sender."""
