"""Every write of the integrations app: API keys (keys), webhook deliveries (webhooks), inbound
e-mail (inbound_email), handler deliveries started (dispatch) and attempted (outbound)."""
