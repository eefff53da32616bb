"""Gadgets: functions ``(cs, *vars, **params)`` that allocate and constrain (STYLE.md rule 3)."""
