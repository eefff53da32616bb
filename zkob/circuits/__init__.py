"""The batch-transition circuit: constraint builder, gadgets, rules, witness."""
