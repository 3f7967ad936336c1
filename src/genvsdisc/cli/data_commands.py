"""`genvsdisc datasets` and `genvsdisc inspect` (filled in with the data layer)."""

COMMANDS: list = []
