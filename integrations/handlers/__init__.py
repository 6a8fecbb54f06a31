"""Built-in handler plugins: each tells one system about an AllocationDecision."""
