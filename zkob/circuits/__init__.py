"""The batch-transition circuit of docs/protocol.md section 6: constraint builder, gadgets, rules, witness."""
