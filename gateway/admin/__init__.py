"""Administrators' side: accounts, content editing and review, history, audit, unanswered queue."""
