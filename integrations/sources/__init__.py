"""Built-in source plugins: each maps one system's payload to an InboundEvent."""
